package dev.companion.deploy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compose's PostgreSQL init script (deploy/compose/postgres/init-databases.sh), run with psql against a
 * real PostgreSQL as the image's entrypoint would: one login role per service, no superuser or other
 * privilege, owner of its own database, which it can use (Flyway creates tables), and unable even to
 * connect to another service's database or the maintenance database. Running it again changes nothing.
 */
class PostgresRolesTest {

    private static final List<String> DATABASES = List.of("companion_auth", "companion_project", "companion_chat",
            "companion_image", "companion_download");

    private static EmbeddedPostgres postgres;
    private static Path psql;

    @BeforeAll
    static void start() throws Exception {
        psql = Tools.require("psql", "apt-get install -y --no-install-recommends postgresql-client");
        Path dir = Files.createTempDirectory(Files.createDirectories(Repo.path("deploy-tests/target")), "pg-");
        postgres = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true)
                .setPGStartupWait(java.time.Duration.ofSeconds(90)).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static Map<String, String> connection(String user) {
        Map<String, String> env = new HashMap<>();
        env.put("PGHOST", "127.0.0.1");
        env.put("PGPORT", Integer.toString(postgres.getPort()));
        env.put("PGUSER", user);
        env.put("PGCONNECT_TIMEOUT", "10");
        return env;
    }

    private static Tools.Result initScript() {
        Map<String, String> env = connection("postgres");
        env.put("POSTGRES_USER", "postgres");
        for (String db : DATABASES) {
            env.put(db.substring("companion_".length()).toUpperCase() + "_DB_PASSWORD", db + "-0123456789abcdef");
        }
        return Tools.run(List.of("bash", "deploy/compose/postgres/init-databases.sh"), Repo.root(), null, env);
    }

    private static Tools.Result sql(String user, String database, String statement) {
        return Tools.run(List.of(psql.toString(), "-v", "ON_ERROR_STOP=1", "-At", "-d", database, "-c", statement),
                Repo.root(), null, connection(user));
    }

    @Test
    void everyServiceGetsItsOwnUnprivilegedRoleOwningOnlyItsDatabase() {
        Tools.Result first = initScript();
        assertEquals(0, first.exitCode(), first.describe());
        Tools.Result again = initScript();
        assertEquals(0, again.exitCode(), "idempotent: " + again.describe());

        for (String role : DATABASES) {
            Tools.Result attributes = sql("postgres", "postgres", "SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, "
                    + "rolbypassrls, rolpassword IS NOT NULL FROM pg_authid WHERE rolname = '" + role + "'");
            assertEquals("t|f|f|f|f|f|t", attributes.stdout().trim(), role + " attributes: " + attributes.describe());
            Tools.Result owner = sql("postgres", "postgres", "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '" + role + "'");
            assertEquals(role, owner.stdout().trim(), role + " owns its database");

            Tools.Result own = sql(role, role, "CREATE TABLE migration_probe (id int); INSERT INTO migration_probe VALUES (1); "
                    + "SELECT count(*) FROM migration_probe; DROP TABLE migration_probe");
            assertEquals(0, own.exitCode(), role + " works in its own database: " + own.describe());
            for (String other : DATABASES) {
                if (!other.equals(role)) {
                    Tools.Result foreign = sql(role, other, "SELECT 1");
                    assertTrue(foreign.exitCode() != 0 && foreign.stderr().contains("permission denied for database"),
                            role + " must not connect to " + other + ": " + foreign.describe());
                }
            }
            Tools.Result maintenance = sql(role, "postgres", "SELECT 1");
            assertTrue(maintenance.exitCode() != 0 && maintenance.stderr().contains("permission denied for database"),
                    role + " must not connect to postgres: " + maintenance.describe());
        }
    }
}

package dev.companion.gateway.routing;

import java.net.URI;

/** One service behind the gateway: its name and base URL. */
public record Upstream(String name, URI url) {

    public String host() {
        return url.getHost();
    }

    public int port() {
        if (url.getPort() > 0) {
            return url.getPort();
        }
        return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }

    public boolean tls() {
        return "https".equalsIgnoreCase(url.getScheme());
    }
}

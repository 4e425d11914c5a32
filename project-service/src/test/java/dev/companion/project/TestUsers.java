package dev.companion.project;

import dev.companion.testing.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.util.UUID;

import static io.restassured.RestAssured.given;

/** A fresh user per test (so lists and events never mix between tests) with its bearer token. */
record TestUsers(String id, String token) {

    static TestUsers fresh() {
        String id = "user_" + UUID.randomUUID().toString().replace("-", "").substring(0, 26);
        return new TestUsers(id, TestTokens.forUser(id));
    }

    RequestSpecification api() {
        return given().auth().oauth2(token).contentType(ContentType.JSON).accept(ContentType.JSON);
    }
}

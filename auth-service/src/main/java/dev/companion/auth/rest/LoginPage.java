package dev.companion.auth.rest;

import dev.companion.auth.service.AuthorizationRequest;

/** The HTML of the authorization endpoint: the login + consent form, and the page for errors nobody may be redirected with. */
final class LoginPage {

    private LoginPage() {
    }

    static String form(AuthorizationRequest r, String email, String error) {
        StringBuilder html = new StringBuilder(2048);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>Sign in to Companion</title>").append(STYLE).append("</head><body><main>")
                .append("<h1>Sign in to Companion</h1>")
                .append("<p><strong>").append(esc(r.clientId())).append("</strong> asks to access your ")
                .append(esc(r.scope().replace(" ", ", "))).append(".</p>");
        if (error != null) {
            html.append("<p class=\"error\" role=\"alert\">").append(esc(error)).append("</p>");
        }
        html.append("<form method=\"post\" action=\"/v1/auth/authorize\">");
        hidden(html, "response_type", "code");
        hidden(html, "client_id", r.clientId());
        if (r.redirectUriGiven()) {
            hidden(html, "redirect_uri", r.redirectUri());
        }
        hidden(html, "scope", r.scope());
        hidden(html, "state", r.state());
        if (r.codeChallenge() != null) {
            hidden(html, "code_challenge", r.codeChallenge());
            hidden(html, "code_challenge_method", "S256");
        }
        html.append("<label>Email <input type=\"email\" name=\"email\" autocomplete=\"username\" required value=\"")
                .append(esc(email == null ? "" : email)).append("\"></label>")
                .append("<label>Password <input type=\"password\" name=\"password\" autocomplete=\"current-password\" required></label>")
                .append("<div class=\"buttons\"><button type=\"submit\" name=\"decision\" value=\"approve\">Sign in and allow</button>")
                .append("<button type=\"submit\" name=\"decision\" value=\"deny\" formnovalidate class=\"secondary\">Deny</button></div>")
                .append("</form></main></body></html>");
        return html.toString();
    }

    static String error(String error, String description) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign-in error</title>" + STYLE
                + "</head><body><main><h1>This sign-in request cannot be completed</h1><p class=\"error\" role=\"alert\">"
                + esc(error) + ": " + esc(description) + "</p></main></body></html>";
    }

    private static void hidden(StringBuilder html, String name, String value) {
        if (value != null) {
            html.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"").append(esc(value)).append("\">");
        }
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static final String STYLE = "<style>body{font-family:system-ui,sans-serif;background:#f4f4f5;margin:0}"
            + "main{max-width:24rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:.5rem;box-shadow:0 1px 3px #0002}"
            + "label{display:block;margin:.75rem 0}input{display:block;width:100%;padding:.5rem;margin-top:.25rem;box-sizing:border-box}"
            + ".buttons{display:flex;gap:.5rem;margin-top:1rem}button{padding:.5rem 1rem}"
            + ".secondary{background:#eee}.error{color:#b00020}</style>";
}

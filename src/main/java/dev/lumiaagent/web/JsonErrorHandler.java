package dev.lumiaagent.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before the API sees the request (a URI it refuses, e.g. an encoded "/" or "..",
 * a header too large): the API's JSON error form, never an HTML page or a stack trace.
 */
final class JsonErrorHandler extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        String reason = HttpStatus.getMessage(code);
        String body = "{\"error\":\"" + code + " " + reason + "\",\"nextStep\":\"check the request's path and headers: the API is under "
                + "/api/v1 (GET /api/v1/openapi.json lists it)\"}";
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Guard.securityHeaders((name, value) -> response.getHeaders().put(name, value));
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }
}

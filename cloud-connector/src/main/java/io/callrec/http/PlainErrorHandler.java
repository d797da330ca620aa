package io.callrec.http;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The server's error handler ({@code Server.setErrorHandler}): every error page is one line of plain text, the
 * status and its standard reason phrase, with the {@link SecurityHeaders}. Jetty's own pages are HTML that echoes
 * the request URI (a recording link's signature included) and the parser's diagnosis, and they lack the security
 * headers. Jetty calls this for everything it answers by itself: requests its parser refuses (400 bad URI or
 * header, 414, 431, 505), paths no handler took (404), handlers that throw (500), and {@code Response.writeError}.
 */
public final class PlainErrorHandler implements Request.Handler {

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        if (request.getAttribute(ErrorHandler.ERROR_EXCEPTION) instanceof HttpException e) {
            status = e.getCode();
            response.setStatus(status);
        }
        HttpFields.Mutable headers = response.getHeaders();
        SecurityHeaders.apply(headers);
        if (HttpStatus.hasNoBody(status)) {
            callback.succeeded();
            return true;
        }
        byte[] body = text(status).getBytes(StandardCharsets.US_ASCII);
        headers.put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        headers.put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, "HEAD".equals(request.getMethod()) ? BufferUtil.EMPTY_BUFFER : ByteBuffer.wrap(body),
                callback);
        return true;
    }

    /** The whole body of an error page, e.g. {@code "404 Not Found\n"}. */
    public static String text(int status) {
        String reason = HttpStatus.getMessage(status);
        return status + " " + (reason == null ? "Error" : reason) + "\n";
    }
}

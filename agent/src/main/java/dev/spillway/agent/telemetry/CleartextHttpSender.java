package dev.spillway.agent.telemetry;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * OTLP over HTTP/1.1 to an {@code http://} endpoint, on a plain socket: one connection per export,
 * {@code Connection: close}, on one agent thread. The JDK's {@code HttpClient} that the exporter
 * would use otherwise loads some 230 classes and 70 lambdas and runs a selector thread and an
 * executor for each exporter: about 6 MiB of a small JVM's memory for one POST a minute.
 *
 * <p>Does what the JDK sender does with the exporter's settings: headers, compression, the
 * timeout for the whole export (retries included), the connect timeout, and the retry policy
 * (HTTP 429, 502, 503 and 504 and I/O errors, backoff with jitter, {@code Retry-After} in
 * seconds). A proxy or TLS is left to the JDK sender.
 */
final class CleartextHttpSender implements HttpSender {

  /** Longest status or header line, and most header lines, accepted from the collector. */
  private static final int MAX_LINE = 8192;
  private static final int MAX_HEADERS = 200;

  private final String host;
  private final int port;
  private final String head;
  private final Compressor compressor;
  private final long timeoutNanos;
  private final long connectTimeoutNanos;
  private final Supplier<Map<String, List<String>>> headers;
  private final RetryPolicy retry;
  /** The policy's test of an I/O error; null: every one is retried but a response too large. */
  private final Predicate<IOException> retryable;
  private final long maxResponseBody;
  /** Where sends run: the exporter's executor, if it was given one, else {@link #own}. */
  private final Executor sends;
  /** The sender's own thread, shut down with it; null when the exporter gave an executor. */
  private final SendingThread own;

  CleartextHttpSender(HttpSenderConfig config) {
    URI endpoint = config.getEndpoint();
    String uriHost = endpoint.getHost();
    this.host = uriHost.startsWith("[") ? uriHost.substring(1, uriHost.length() - 1) : uriHost;
    this.port = endpoint.getPort() < 0 ? 80 : endpoint.getPort();
    String path = endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath();
    String query = endpoint.getRawQuery() == null ? "" : "?" + endpoint.getRawQuery();
    this.compressor = config.getCompressor();
    this.head = "POST " + path + query + " HTTP/1.1\r\nHost: " + uriHost + ":" + port
        + "\r\nContent-Type: " + config.getContentType()
        + (compressor == null ? "" : "\r\nContent-Encoding: " + compressor.getEncoding())
        + "\r\nConnection: close\r\n";
    this.timeoutNanos = positive(config.getTimeout(), Duration.ofSeconds(10)).toNanos();
    this.connectTimeoutNanos = positive(config.getConnectTimeout(), Duration.ofSeconds(10)).toNanos();
    this.headers = config.getHeadersSupplier();
    this.retry = config.getRetryPolicy();
    this.retryable = retry == null ? null : retry.getRetryExceptionPredicate();
    this.maxResponseBody = config.getMaxResponseBodySize() > 0 ? config.getMaxResponseBodySize() : Long.MAX_VALUE;
    ExecutorService given = config.getExecutorService();
    this.own = given != null ? null : new SendingThread("spillway-otlp-http", 60, TimeUnit.SECONDS);
    this.sends = given != null ? given : own;
  }

  private static Duration positive(Duration value, Duration otherwise) {
    return value == null || value.isZero() || value.isNegative() ? otherwise : value;
  }

  @Override
  public void send(MessageWriter writer, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
    try {
      sends.execute(new Send(writer, onResponse, onError));
    } catch (RuntimeException refused) {
      onError.accept(refused);
    }
  }

  /** One export, on the sender's thread. */
  private final class Send implements Runnable {
    private final MessageWriter writer;
    private final Consumer<HttpResponse> onResponse;
    private final Consumer<Throwable> onError;

    Send(MessageWriter writer, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
      this.writer = writer;
      this.onResponse = onResponse;
      this.onError = onError;
    }

    @Override
    public void run() {
      HttpResponse response;
      try {
        response = sendWithRetries(writer);
      } catch (Throwable t) {
        onError.accept(t);
        return;
      }
      onResponse.accept(response);
    }
  }

  HttpResponse sendWithRetries(MessageWriter writer) throws IOException {
    long start = System.nanoTime();
    long deadline = start + timeoutNanos;
    Body body = new Body(Math.max(32, writer.getContentLength()));
    if (compressor == null) {
      writer.writeMessage(body);
    } else {
      try (OutputStream compressed = compressor.compress(body)) {
        writer.writeMessage(compressed);
      }
    }
    byte[] request = request(body.size());
    int attempts = retry == null ? 1 : Math.max(1, retry.getMaxAttempts());
    long nextBackoff = retry == null ? 0 : retry.getInitialBackoff().toNanos();
    for (int attempt = 1; ; attempt++) {
      Response response = null;
      IOException failure = null;
      try {
        response = attempt(request, body, deadline);
        if (attempt >= attempts || !retryable(response.status)) {
          return response;
        }
      } catch (IOException e) {
        if (attempt >= attempts || !retryable(e)) {
          throw e;
        }
        failure = e;
      }
      long backoff = Math.min(nextBackoff, retry.getMaxBackoff().toNanos());
      long wait = response != null && response.retryAfterNanos >= 0 ? response.retryAfterNanos
          : (long) (backoff * ThreadLocalRandom.current().nextDouble(0.8, 1.2));
      nextBackoff = (long) (nextBackoff * retry.getBackoffMultiplier());
      if (System.nanoTime() + wait >= deadline) {
        if (response != null) {
          return response;
        }
        throw failure;
      }
      try {
        TimeUnit.NANOSECONDS.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (response != null) {
          return response;
        }
        throw failure;
      }
    }
  }

  /** The statuses the exporters retry (as the OpenTelemetry senders do). */
  private static boolean retryable(int status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
  }

  private boolean retryable(IOException e) {
    return retryable != null ? retryable.test(e) : !(e instanceof ResponseTooLarge);
  }

  /** The request line and headers, this export's headers from the supplier included. */
  private byte[] request(int length) {
    StringBuilder text = new StringBuilder(head);
    Map<String, List<String>> extra = headers == null ? null : headers.get();
    if (extra != null) {
      for (Map.Entry<String, List<String>> header : extra.entrySet()) {
        String name = header.getKey();
        if (name == null || !token(name) || header.getValue() == null) {
          continue;
        }
        for (String value : header.getValue()) {
          if (value != null && value.indexOf('\r') < 0 && value.indexOf('\n') < 0) {
            text.append(name).append(": ").append(value).append("\r\n");
          }
        }
      }
    }
    text.append("Content-Length: ").append(length).append("\r\n\r\n");
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Whether {@code name} is a header name (an HTTP token) and not one this sender writes itself. */
  private static boolean token(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
        return false;
      }
    }
    String lower = name.toLowerCase(Locale.ROOT);
    return !lower.equals("content-length") && !lower.equals("host") && !lower.equals("connection")
        && !lower.equals("transfer-encoding");
  }

  private Response attempt(byte[] request, Body body, long deadline) throws IOException {
    try (Socket socket = new Socket()) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw new SocketTimeoutException("export timed out");
      }
      socket.connect(new InetSocketAddress(host, port), millis(Math.min(remaining, connectTimeoutNanos)));
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(millisLeft(deadline));
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.write(body.bytes(), 0, body.size());
      out.flush();
      return read(new BufferedInputStream(socket.getInputStream()), socket, deadline);
    }
  }

  private static int millis(long nanos) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(nanos)));
  }

  private Response read(InputStream in, Socket socket, long deadline) throws IOException {
    String status = line(in);
    // HTTP/1.1 200 OK
    int space = status.indexOf(' ');
    if (!status.startsWith("HTTP/") || space < 0 || status.length() < space + 4) {
      throw new IOException("not an HTTP response: " + clip(status));
    }
    int code;
    try {
      code = Integer.parseInt(status.substring(space + 1, space + 4));
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP status: " + clip(status));
    }
    String message = status.length() > space + 5 ? status.substring(space + 5) : "";
    long length = -1;
    boolean chunked = false;
    long retryAfter = -1;
    for (int i = 0; ; i++) {
      String header = line(in);
      if (header.isEmpty()) {
        break;
      }
      if (i >= MAX_HEADERS) {
        throw new IOException("more than " + MAX_HEADERS + " response headers");
      }
      int colon = header.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = header.substring(colon + 1).trim();
      try {
        if (name.equals("content-length")) {
          length = Long.parseLong(value);
        } else if (name.equals("transfer-encoding")) {
          chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        } else if (name.equals("retry-after")) {
          retryAfter = TimeUnit.SECONDS.toNanos(Long.parseLong(value));
        }
      } catch (NumberFormatException ignored) {
        // a date in Retry-After, or a malformed length: read to the end of the stream
      }
    }
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    if (code == 204 || code == 304 || (code >= 100 && code < 200)) {
      // no body
    } else if (chunked) {
      while (true) {
        String sizeLine = line(in);
        int semicolon = sizeLine.indexOf(';');
        long size;
        try {
          size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
        } catch (NumberFormatException e) {
          throw new IOException("bad chunk size: " + clip(sizeLine));
        }
        if (size == 0) {
          while (!line(in).isEmpty()) {
            // trailers
          }
          break;
        }
        copy(in, content, size, socket, deadline);
        line(in);
      }
    } else {
      copy(in, content, length, socket, deadline);
    }
    return new Response(code, message, content.toByteArray(), retryAfter);
  }

  /** Copies {@code length} bytes, or to the end of the stream when negative, within the limit. */
  private void copy(InputStream in, ByteArrayOutputStream into, long length, Socket socket, long deadline)
      throws IOException {
    byte[] buffer = new byte[4096];
    long left = length < 0 ? Long.MAX_VALUE : length;
    while (left > 0) {
      socket.setSoTimeout(millisLeft(deadline));
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (read < 0) {
        if (length < 0) {
          return;
        }
        throw new EOFException("response body ended early");
      }
      if (into.size() + read > maxResponseBody) {
        throw new ResponseTooLarge(maxResponseBody);
      }
      into.write(buffer, 0, read);
      left -= read;
    }
  }

  private static int millisLeft(long deadline) throws SocketTimeoutException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException("export timed out");
    }
    return millis(left);
  }

  /** One line of the response head, without its CRLF (or LF). */
  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("connection closed in the response head");
      }
      if (c == '\n') {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
          line.setLength(end - 1);
        }
        return line.toString();
      }
      if (line.length() >= MAX_LINE) {
        throw new IOException("response line longer than " + MAX_LINE);
      }
      line.append((char) c);
    }
  }

  private static String clip(String text) {
    return text.length() > 100 ? text.substring(0, 100) + "..." : text;
  }

  @Override
  public CompletableResultCode shutdown() {
    if (own != null) {
      own.shutdown();
    }
    return CompletableResultCode.ofSuccess();
  }

  /** The message, written once, sent at each attempt. */
  private static final class Body extends ByteArrayOutputStream {
    Body(int size) {
      super(size);
    }

    byte[] bytes() {
      return buf;
    }
  }

  private static final class Response implements HttpResponse {
    final int status;
    final String message;
    final byte[] body;
    final long retryAfterNanos;

    Response(int status, String message, byte[] body, long retryAfterNanos) {
      this.status = status;
      this.message = message;
      this.body = body;
      this.retryAfterNanos = retryAfterNanos;
    }

    @Override
    public int getStatusCode() {
      return status;
    }

    @Override
    public String getStatusMessage() {
      return message;
    }

    @Override
    public byte[] getResponseBody() {
      return body;
    }
  }

  /** The collector's answer is larger than the exporter accepts: not retried. */
  static final class ResponseTooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    ResponseTooLarge(long limit) {
      super("response body larger than " + limit + " bytes");
    }
  }
}

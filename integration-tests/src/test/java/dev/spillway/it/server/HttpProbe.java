package dev.spillway.it.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/1.1 client on a plain socket, one request per connection ({@code Connection: close}),
 * so that the test controls exactly when each request reaches the server and sees exactly what
 * came back: the whole response, or {@link #CLOSED} when the server closed the connection (end
 * of stream or reset) without a byte. A library client would hide that behind retries.
 */
public final class HttpProbe {

  /** What a connection closed with no response reads as. */
  public static final String CLOSED = "<closed without a response>";

  private final Socket socket;
  /** The response's first byte if {@link #refused} read it, else -1. */
  private int first = -1;

  private HttpProbe(Socket socket) {
    this.socket = socket;
  }

  public static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  /** Connects and sends {@code GET path}; the response is read later. */
  public static HttpProbe send(int port, String path) throws IOException {
    return send(port, "GET", path);
  }

  /** Connects and sends {@code method path}, with no body; the response is read later. */
  public static HttpProbe send(int port, String method, String path) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(30_000);
    socket.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        + (method.equals("GET") ? "" : "Content-Length: 0\r\n") + "\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return new HttpProbe(socket);
  }

  public static String get(int port, String path) throws IOException {
    return send(port, path).response();
  }

  /**
   * Whether the server has closed the connection without a response by now (looks for 50 ms): a
   * refusal. A response that began is kept for {@link #response}.
   */
  public boolean refused() throws IOException {
    if (first >= 0 || socket.isClosed()) {
      return socket.isClosed();
    }
    socket.setSoTimeout(50);
    try {
      first = socket.getInputStream().read();
    } catch (SocketTimeoutException waiting) {
      return false;
    } catch (SocketException reset) {
      first = -1;
    } finally {
      if (!socket.isClosed()) {
        socket.setSoTimeout(30_000);
      }
    }
    if (first < 0) {
      socket.close();
      return true;
    }
    return false;
  }

  /** Gives the request up: closes the connection. */
  public void close() throws IOException {
    socket.close();
  }

  /** The whole response, up to the server's close; {@link #CLOSED} if it sent nothing. */
  public String response() throws IOException {
    try (Socket s = socket) {
      InputStream in = s.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (first >= 0) {
        out.write(first);
      }
      byte[] buffer = new byte[4096];
      try {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          out.write(buffer, 0, n);
        }
      } catch (SocketException reset) {
        if (out.size() > 0) {
          throw reset;
        }
      }
      return out.size() == 0 ? CLOSED : out.toString(StandardCharsets.ISO_8859_1).trim();
    }
  }
}

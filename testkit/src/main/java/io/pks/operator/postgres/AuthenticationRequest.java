package io.pks.operator.postgres;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a PostgreSQL server asks of a client that starts a session, read off the wire: the
 * authentication method it requests, or the error it refuses with. A driver hides this (and
 * would answer md5 or a clear-text request as readily as SCRAM); this tells which the server
 * offers at all, to any client, before any password is sent.
 */
record AuthenticationRequest(Method method, String refusal) {

  /** The AuthenticationRequest codes of the protocol that matter here. */
  enum Method {
    TRUST(0), CLEARTEXT_PASSWORD(3), MD5(5), SASL(10), REFUSED(-1);

    final int code;

    Method(int code) {
      this.code = code;
    }

    static Method of(int code) {
      for (Method method : values()) {
        if (method.code == code) {
          return method;
        }
      }
      throw new IllegalStateException("authentication request " + code);
    }
  }

  /**
   * @param from the local address to connect from (any 127.0.0.0/8 address on Linux)
   * @param replication whether to ask for a physical replication session
   */
  static AuthenticationRequest of(MemberEndpoint server, String from, String user, boolean replication)
      throws IOException {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("user", user);
    parameters.put("database", "postgres");
    if (replication) {
      parameters.put("replication", "true");
    }
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
      socket.connect(new InetSocketAddress(server.host(), server.port()), 5_000);
      socket.setSoTimeout(5_000);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      DataOutputStream fields = new DataOutputStream(body);
      fields.writeInt(3 << 16);
      for (Map.Entry<String, String> parameter : parameters.entrySet()) {
        fields.write((parameter.getKey() + "\0" + parameter.getValue() + "\0").getBytes(StandardCharsets.UTF_8));
      }
      fields.write(0);
      out.writeInt(body.size() + 4);
      body.writeTo(out);
      out.flush();

      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte type = in.readByte();
      byte[] message = new byte[in.readInt() - 4];
      in.readFully(message);
      if (type == 'R') {
        int code = ((message[0] & 0xff) << 24) | ((message[1] & 0xff) << 16) | ((message[2] & 0xff) << 8)
            | (message[3] & 0xff);
        return new AuthenticationRequest(Method.of(code), null);
      }
      return new AuthenticationRequest(Method.REFUSED, errorMessage(message));
    }
  }

  /** The M field of an ErrorResponse. */
  private static String errorMessage(byte[] fields) {
    int start = 0;
    while (start < fields.length && fields[start] != 0) {
      int end = start + 1;
      while (fields[end] != 0) {
        end++;
      }
      if (fields[start] == 'M') {
        return new String(fields, start + 1, end - start - 1, StandardCharsets.UTF_8);
      }
      start = end + 1;
    }
    return "";
  }
}

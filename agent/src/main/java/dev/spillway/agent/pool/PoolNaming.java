package dev.spillway.agent.pool;

import dev.spillway.agent.AgentLog;
import dev.spillway.agent.util.GeneratedNames;
import dev.spillway.agent.util.Glob;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a pool gets its {@code db.client.connection.pool.name}: stable across restarts and
 * low-cardinality.
 *
 * <ol>
 *   <li>The name the user configured (HikariCP {@code poolName}, Tomcat {@code name}, DBCP2
 *       {@code jmxName}, c3p0 {@code dataSourceName}, a commons-pool2 {@code jmxNameBase}).
 *       Generated names ({@code HikariPool-3}, {@code Tomcat Connection Pool[2-…]}) do not count:
 *       they change with creation order, and neither do names that look generated
 *       ({@link GeneratedNames}: a UUID, a random token).
 *   <li>Otherwise, as the semantic conventions say, {@code server.address:server.port/db.namespace}
 *       from the JDBC URL, leaving out what the URL does not say (a port it does not
 *       write, say). A URL without a server ({@code jdbc:h2:mem:orders},
 *       {@code jdbc:hsqldb:file:/data/app}) gives its database alone: {@code orders},
 *       {@code /data/app}. Credentials and parameters never appear, nor a generated database
 *       name (Spring Boot's {@code jdbc:h2:mem:<uuid>}) or a random loopback port.
 *   <li>Otherwise a class that identifies the pool: a commons-pool2 pool's factory class, a
 *       HikariCP data source class; last the pool's own simple class name.
 * </ol>
 *
 * Renames from {@code spillway.pool.names} ({@code glob=name;glob=name}) apply to the result.
 */
final class PoolNaming {

  private static final Pattern ORACLE_TNS_HOST = Pattern.compile("\\(\\s*HOST\\s*=\\s*([^)\\s]+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern ORACLE_TNS_PORT = Pattern.compile("\\(\\s*PORT\\s*=\\s*(\\d+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern ORACLE_TNS_SERVICE =
      Pattern.compile("\\(\\s*(?:SERVICE_NAME|SID)\\s*=\\s*([^)\\s]+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern SQLSERVER_DATABASE =
      Pattern.compile("(?:^|;)\\s*(?:databaseName|database)\\s*=\\s*([^;]+)", Pattern.CASE_INSENSITIVE);

  private final List<Map.Entry<Glob, String>> renames;

  PoolNaming(String renameSpec) {
    this.renames = parseRenames(renameSpec);
  }

  /** The pool's name before renames and de-duplication. */
  static String derive(String configured, String jdbcUrl, String fallback, String type) {
    if (configured != null && !configured.isBlank() && !GeneratedNames.looksGenerated(configured)) {
      return configured.trim();
    }
    String fromUrl = withoutGeneratedParts(fromJdbcUrl(jdbcUrl));
    if (fromUrl != null) {
      return fromUrl;
    }
    if (fallback != null && !fallback.isBlank() && !GeneratedNames.looksGenerated(fallback)) {
      return fallback;
    }
    int dot = type.lastIndexOf('.');
    return type.substring(dot + 1);
  }

  /**
   * A name from a URL without the parts that change from run to run: a generated database name
   * ({@code jdbc:h2:mem:<uuid>}, Spring Boot's default) or a random loopback port (a test
   * container) is left out; null when nothing stable is left.
   */
  static String withoutGeneratedParts(String fromUrl) {
    if (fromUrl == null || !GeneratedNames.looksGenerated(fromUrl)) {
      return fromUrl;
    }
    int slash = fromUrl.indexOf('/');
    String authority = slash < 0 ? fromUrl : fromUrl.substring(0, slash);
    String namespace = slash < 0 ? "" : fromUrl.substring(slash + 1);
    if (slash == 0) {
      authority = "";
      namespace = fromUrl;
    }
    if (GeneratedNames.looksGenerated(authority)) {
      int colon = authority.lastIndexOf(':');
      String host = colon > 0 ? authority.substring(0, colon) : "";
      authority = !host.isEmpty() && !GeneratedNames.looksGenerated(host) ? host : "";
    }
    if (GeneratedNames.looksGenerated(namespace)) {
      namespace = "";
    }
    return join(authority, namespace);
  }

  /** Applies the first matching rename, if any. */
  String rename(String derived) {
    for (Map.Entry<Glob, String> rename : renames) {
      if (rename.getKey().matches(derived)) {
        return rename.getValue();
      }
    }
    return derived;
  }

  /**
   * {@code address[:port]/namespace} from a JDBC URL, or the namespace alone for a URL without a
   * server; null when the URL says neither.
   */
  static String fromJdbcUrl(String url) {
    if (url == null) {
      return null;
    }
    String rest = url.trim();
    if (!rest.regionMatches(true, 0, "jdbc:", 0, 5)) {
      return null;
    }
    rest = rest.substring(5);
    String lower = rest.toLowerCase(Locale.ROOT);
    if (lower.startsWith("oracle:")) {
      return oracle(rest);
    }
    if (lower.startsWith("sqlserver:") || lower.startsWith("jtds:")) {
      return sqlServer(rest);
    }
    int slashes = rest.indexOf("//");
    int firstParams = firstOf(rest, ";?");
    if (slashes >= 0 && (firstParams < 0 || slashes < firstParams)) {
      return serverUrl(rest.substring(slashes + 2));
    }
    return serverless(rest);
  }

  /** {@code [user[:pw]@]host[:port][,host2][/db][?params|;params]} */
  private static String serverUrl(String authorityAndPath) {
    int pathAt = firstOf(authorityAndPath, "/?;");
    String authority = pathAt < 0 ? authorityAndPath : authorityAndPath.substring(0, pathAt);
    String path = pathAt >= 0 && authorityAndPath.charAt(pathAt) == '/'
        ? authorityAndPath.substring(pathAt + 1) : "";
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      authority = authority.substring(at + 1);
    }
    int comma = authority.indexOf(',');
    if (comma >= 0) {
      authority = authority.substring(0, comma);
    }
    int params = firstOf(path, "?;");
    String namespace = params < 0 ? path : path.substring(0, params);
    return join(authority, namespace);
  }

  /** {@code h2:mem:orders;DB_CLOSE_DELAY=-1}, {@code hsqldb:file:/data/app}, {@code sqlite:app.db} */
  private static String serverless(String rest) {
    int params = firstOf(rest, ";?");
    String body = params < 0 ? rest : rest.substring(0, params);
    int colon = body.indexOf(':');
    if (colon < 0) {
      return null;
    }
    String name = body.substring(colon + 1);
    for (String kind : new String[] {"mem:", "memory:", "file:", "res:", "zip:", "split:", "nio:"}) {
      if (name.regionMatches(true, 0, kind, 0, kind.length())) {
        name = name.substring(kind.length());
        break;
      }
    }
    return name.isBlank() ? null : name;
  }

  private static String oracle(String rest) {
    int at = rest.indexOf('@');
    if (at < 0) {
      return null;
    }
    String target = rest.substring(at + 1).trim();
    if (target.startsWith("(")) {
      String host = group(ORACLE_TNS_HOST, target);
      String port = group(ORACLE_TNS_PORT, target);
      String service = group(ORACLE_TNS_SERVICE, target);
      return join(host == null ? "" : host + (port == null ? "" : ":" + port), service == null ? "" : service);
    }
    if (target.startsWith("//")) {
      target = target.substring(2);
    }
    int params = target.indexOf('?');
    if (params >= 0) {
      target = target.substring(0, params);
    }
    int slash = target.indexOf('/');
    if (slash >= 0) {
      return join(target.substring(0, slash), target.substring(slash + 1));
    }
    // host:port:SID
    String[] parts = target.split(":");
    if (parts.length == 3) {
      return join(parts[0] + ":" + parts[1], parts[2]);
    }
    return join(target, "");
  }

  private static String sqlServer(String rest) {
    int slashes = rest.indexOf("//");
    if (slashes < 0) {
      return null;
    }
    String body = rest.substring(slashes + 2);
    int semi = body.indexOf(';');
    String authority = semi < 0 ? body : body.substring(0, semi);
    String properties = semi < 0 ? "" : body.substring(semi);
    int slash = authority.indexOf('/');
    String namespace = "";
    if (slash >= 0) {
      // jTDS: //host:port/database
      namespace = authority.substring(slash + 1);
      authority = authority.substring(0, slash);
    }
    String database = group(SQLSERVER_DATABASE, properties);
    if (database != null) {
      namespace = database.trim();
    }
    return join(authority, namespace);
  }

  private static String join(String authority, String namespace) {
    authority = authority == null ? "" : authority.trim();
    namespace = namespace == null ? "" : namespace.trim();
    if (authority.isEmpty()) {
      return namespace.isEmpty() ? null : namespace;
    }
    return namespace.isEmpty() ? authority : authority + "/" + namespace;
  }

  private static String group(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    return matcher.find() ? matcher.group(1) : null;
  }

  private static int firstOf(String text, String characters) {
    int first = -1;
    for (int i = 0; i < characters.length(); i++) {
      int at = text.indexOf(characters.charAt(i));
      if (at >= 0 && (first < 0 || at < first)) {
        first = at;
      }
    }
    return first;
  }

  private static List<Map.Entry<Glob, String>> parseRenames(String spec) {
    List<Map.Entry<Glob, String>> renames = new ArrayList<>();
    if (spec == null || spec.isBlank()) {
      return renames;
    }
    Map<String, String> seen = new HashMap<>();
    for (String part : spec.split(";")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.lastIndexOf('=');
      if (eq <= 0 || eq == part.length() - 1) {
        AgentLog.warn("spillway.pool.names: '" + part.trim() + "' is not glob=name; ignored");
        continue;
      }
      String glob = part.substring(0, eq).trim();
      String name = part.substring(eq + 1).trim();
      if (seen.putIfAbsent(glob, name) == null) {
        renames.add(Map.entry(Glob.of(glob), name));
      }
    }
    return renames;
  }
}

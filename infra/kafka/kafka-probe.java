import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Helper for start.sh, run on the broker's own classpath so that no Node or extra tool is needed.
 *   free-port              prints a TCP port that is free on 127.0.0.1
 *   ready ADDR MS [PID]    exits 0 once an admin client gets cluster metadata from ADDR, 1 after MS
 *                          milliseconds, 2 as soon as process PID (the broker) is gone
 */
class KafkaProbe {
  public static void main(String[] args) throws Exception {
    if (args.length >= 1 && args[0].equals("free-port")) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
        System.out.println(socket.getLocalPort());
      }
      return;
    }
    if (args.length >= 3 && args[0].equals("ready")) {
      System.exit(ready(args[1], Long.parseLong(args[2]), args.length > 3 ? Long.parseLong(args[3]) : -1));
    }
    System.err.println("usage: KafkaProbe free-port | ready HOST:PORT TIMEOUT_MS [PID]");
    System.exit(64);
  }

  private static int ready(String address, long timeoutMs, long pid) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
    String lastError = "no answer";
    while (System.currentTimeMillis() < deadline) {
      if (pid > 0 && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        System.err.println("broker process " + pid + " exited");
        return 2;
      }
      try (Admin admin = Admin.create(props)) {
        var cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(5000));
        int nodes = cluster.nodes().get(6, TimeUnit.SECONDS).size();
        String controller = String.valueOf(cluster.controller().get(6, TimeUnit.SECONDS));
        // Topic metadata is what producers and consumers ask for first; listing topics proves it is served.
        admin.listTopics().names().get(6, TimeUnit.SECONDS);
        if (nodes > 0) {
          System.err.println("broker ready at " + address + " (controller " + controller + ")");
          return 0;
        }
        lastError = "cluster has no live broker yet";
      } catch (Exception e) {
        lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      Thread.sleep(500);
    }
    System.err.println("broker at " + address + " not ready after " + timeoutMs + " ms: " + lastError);
    return 1;
  }
}

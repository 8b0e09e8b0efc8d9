// One node of a multi-node OpenSearch cluster on this machine, one JVM per node.
//
// scripts/search-node.sh runs it as a single-file source program (java -cp "lib/*" OpenSearchClusterNode.java …):
// the runner's own command line names every node "Node 1" when it starts one node per process and
// forces its roles, so two processes could not tell each other apart. This sets the node name, its
// ports and discovery through the runner's settings hook, then hands the remaining options to it.
//
//   OpenSearchClusterNode NAME HTTP_PORT TRANSPORT_PORT SEED_HOSTS INITIAL_MANAGERS [runner options…]
//
// SEED_HOSTS and INITIAL_MANAGERS are comma-separated (host:port of every node's transport; node names).

import java.util.Arrays;

import org.codelibs.opensearch.runner.OpenSearchRunner;

public class OpenSearchClusterNode {
    public static void main(final String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: OpenSearchClusterNode NAME HTTP_PORT TRANSPORT_PORT SEED_HOSTS INITIAL_MANAGERS [runner options]");
            System.exit(2);
        }
        final String name = args[0];
        final String httpPort = args[1];
        final String transportPort = args[2];
        final String[] seeds = args[3].split(",");
        final String[] managers = args[4].split(",");
        final OpenSearchRunner runner = new OpenSearchRunner();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
            } catch (final Exception e) {
                System.err.println("closing the node: " + e);
            }
        }));
        runner.onBuild((index, settings) -> {
            settings.put("node.name", name);
            settings.put("http.port", httpPort);
            settings.put("transport.port", transportPort);
            settings.putList("discovery.seed_hosts", seeds);
            settings.putList("cluster.initial_cluster_manager_nodes", managers);
        });
        try {
            runner.build(Arrays.copyOfRange(args, 5, args.length));
        } catch (final RuntimeException e) {
            e.printStackTrace();
            System.exit(1);
        }
        while (!runner.isClosed()) {
            Thread.sleep(5000);
        }
    }
}

// Beside a running benchmark stack: reads chat.events from the latest offset and prints every 2 s the
// chunks' stage times (provider write -> record CreateTime -> this consumer) and the lag of the gateway's
// and download-service's consumer groups. Found the #14 fan-out bottleneck. Usage: kafka-probe.sh [bootstrap]
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.common.serialization.StringDeserializer;
import java.time.Duration;
import java.util.*;
import java.util.regex.*;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.common.TopicPartition;
public class Probe {
  public static void main(String[] a) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", a[0]); p.put("group.id", "probe-" + System.nanoTime());
    p.put("auto.offset.reset", "latest"); p.put("enable.auto.commit", "false");
    KafkaConsumer<String,String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    c.subscribe(List.of("chat.events"));
    Pattern d = Pattern.compile("\\[(\\d+):(\\d+)@([\\d.]+)\\]");
    List<Double> prod = new ArrayList<>(), hop = new ArrayList<>();
    long last = System.currentTimeMillis();
    while (true) {
      ConsumerRecords<String,String> rs = c.poll(Duration.ofMillis(200));
      
      for (ConsumerRecord<String,String> r : rs) {
        Matcher m = d.matcher(r.value());
        if (m.find()) { double t = Double.parseDouble(m.group(3)); prod.add(r.timestamp() - t); hop.add(System.currentTimeMillis() - (double) r.timestamp()); }
      }
      if (System.currentTimeMillis() - last > 2000 && !prod.isEmpty()) {
        Collections.sort(prod); Collections.sort(hop);
        System.out.printf("n=%d write->create p50=%.1f p99=%.1f | create->probe p50=%.1f p99=%.1f%n", prod.size(),
          prod.get(prod.size()/2), prod.get((int)(prod.size()*0.99)), hop.get(hop.size()/2), hop.get((int)(hop.size()*0.99)));
        try (Admin ad = Admin.create(Map.of("bootstrap.servers", a[0]))) {
          for (ConsumerGroupListing g : ad.listConsumerGroups().all().get()) {
            if (!g.groupId().startsWith("gateway-") && !g.groupId().equals("download-service")) continue;
            Map<TopicPartition, OffsetAndMetadata> off = ad.listConsumerGroupOffsets(g.groupId()).partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> q = new HashMap<>(); off.keySet().forEach(tp -> q.put(tp, OffsetSpec.latest()));
            long lag = 0; for (var e : ad.listOffsets(q).all().get().entrySet()) lag += e.getValue().offset() - off.get(e.getKey()).offset();
            System.out.println("   lag " + g.groupId() + " = " + lag);
          }
        }
        prod.clear(); hop.clear(); last = System.currentTimeMillis();
      }
    }
  }
}

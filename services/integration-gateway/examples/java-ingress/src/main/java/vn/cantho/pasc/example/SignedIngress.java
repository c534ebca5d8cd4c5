package vn.cantho.pasc.example;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes one DongBoHoSoMC body (one newly received dossier) to gateway.ingress.dvcqg.v1,
 * signed with the agency's API key.
 *
 * <p>Arguments: MaTTHC MaHoSo. Environment: KAFKA_BOOTSTRAP_SERVERS (default 127.0.0.1:9092),
 * PASC_AGENCY (the agency code the key was issued to, e.g. SXD), PASC_API_KEY (the key).
 */
public final class SignedIngress {
    static final String TOPIC = "gateway.ingress.dvcqg.v1";

    private SignedIngress() {}

    /** The body: the same JSON a department system sends to POST /v1/dvcqg/DongBoHoSoMC. */
    static String body(String maTthc, String maHoSo) {
        return """
            {"service":"DongBoHoSoMC","isUpdating":"False","data":[{\
            "MaHoSo":"%s","MaTTHC":"%s","TenTTHC":"Cấp giấy phép xây dựng",\
            "KenhThucHien":2,"NgayTiepNhan":"20230403083000","NgayHenTra":"20230417170000",\
            "TrangThaiHoSo":2}]}""".formatted(maHoSo, maTthc);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: SignedIngress MaTTHC MaHoSo");
            System.exit(2);
        }
        String bootstrap = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
        String agency = required("PASC_AGENCY");
        String apiKey = required("PASC_API_KEY");

        byte[] value = body(args[0], args[1]).getBytes(StandardCharsets.UTF_8);
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        String messageId = UUID.randomUUID().toString(); // unique per message: a replay is ignored
        String signature = IngressSignature.sign(apiKey, timestamp, messageId, value);

        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            // Keyed by the agency: one agency's messages stay in order on one partition.
            ProducerRecord<String, byte[]> message = new ProducerRecord<>(TOPIC, agency, value);
            message.headers()
                .add("x-pasc-agency", agency.getBytes(StandardCharsets.UTF_8))
                .add("x-pasc-timestamp", timestamp.getBytes(StandardCharsets.UTF_8))
                .add("x-pasc-message-id", messageId.getBytes(StandardCharsets.UTF_8))
                .add("x-pasc-signature", signature.getBytes(StandardCharsets.UTF_8));
            RecordMetadata sent = producer.send(message).get();
            System.out.printf(
                "sent %s partition=%d offset=%d timestamp=%s message_id=%s signature=%s%n",
                TOPIC, sent.partition(), sent.offset(), timestamp, messageId, signature);
        }
    }

    private static String required(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            System.err.println(name + " is not set");
            System.exit(2);
        }
        return value;
    }
}

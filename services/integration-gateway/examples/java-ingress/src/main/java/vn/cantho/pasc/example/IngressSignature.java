package vn.cantho.pasc.example;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a message on the gateway's Kafka ingress: HMAC-SHA256 keyed by the agency's
 * API key over the bytes of {@code timestamp + "." + messageId + "."} followed by the body's
 * bytes, written as lower-case hex (the same as pasc_contracts.dvcqg.ingress_signature).
 */
public final class IngressSignature {
    private IngressSignature() {}

    public static String sign(String apiKey, String timestamp, String messageId, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(apiKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + "." + messageId + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}

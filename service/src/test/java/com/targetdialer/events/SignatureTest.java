package com.targetdialer.events;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SignatureTest {

  @Test
  @DisplayName("signs as the Standard Webhooks reference does (its published example)")
  void referenceVector() {
    Signature signature = Signature.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    assertThat(signature.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", Buffer.buffer("{\"test\": 2432232314}")))
        .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  @DisplayName("accepts whsec_ secrets of 24 to 64 bytes and says what is wrong with others")
  void secrets() {
    assertThat(Signature.problem(Signature.newSecret())).isNull();
    assertThat(Signature.problem("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).contains("whsec_");
    assertThat(Signature.problem("whsec_not base64!")).contains("base64");
    assertThat(Signature.problem("whsec_c2hvcnQ=")).contains("24 to 64 bytes");
  }
}

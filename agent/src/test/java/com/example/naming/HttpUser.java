package com.example.naming;

import java.util.function.Function;
import java.util.function.Supplier;

/** Application code that uses an HTTP client from an anonymous class, as request callbacks do. */
public final class HttpUser {

  private HttpUser() {}

  /** Calls {@code use} from a frame of an anonymous class nested in this one. */
  public static String fromAnonymousClass(Function<Object, String> use) {
    Supplier<String> callback = new Supplier<>() {
      @Override
      public String get() {
        return use.apply(new Object());
      }
    };
    return callback.get();
  }
}

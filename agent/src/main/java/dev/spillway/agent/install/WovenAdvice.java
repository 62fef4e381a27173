package dev.spillway.agent.install;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** The Byte Buddy side of a {@link WovenMethod} list: the advice it weaves into one class. */
public final class WovenAdvice {

  private WovenAdvice() {}

  /** The advice for {@code type}, each entry's advice class made into {@link Advice} by {@code advice}. */
  public static AsmVisitorWrapper of(List<WovenMethod> methods, String type, Function<WovenMethod, Advice> advice) {
    List<AsmVisitorWrapper> wrappers = new ArrayList<>();
    for (WovenMethod method : methods) {
      if (method.type().equals(type)) {
        wrappers.add(advice.apply(method).on(matcher(method)));
      }
    }
    return new AsmVisitorWrapper.Compound(wrappers);
  }

  /** Each entry's advice class as it is. */
  public static AsmVisitorWrapper of(List<WovenMethod> methods, String type) {
    return of(methods, type, method -> Advice.to(method.advice()));
  }

  private static ElementMatcher.Junction<MethodDescription> matcher(WovenMethod method) {
    ElementMatcher.Junction<MethodDescription> named = method.names().contains(WovenMethod.CONSTRUCTOR)
        ? isConstructor() : namedOneOf(method.names().toArray(new String[0]));
    return named.and(method.arguments() < 0 ? any() : takesArguments(method.arguments()));
  }
}

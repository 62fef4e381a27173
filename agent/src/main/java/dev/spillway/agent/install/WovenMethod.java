package dev.spillway.agent.install;

import java.util.Set;

/**
 * One entry of what a family weaves into a JDK class: the methods (by name and argument count; the
 * constructors are {@value #CONSTRUCTOR}), the Byte Buddy advice class that the {@code AgentBuilder}
 * weaves, and the same advice written for the {@link JdkWeaver}, which weaves the JDK classes before
 * Byte Buddy is ready. The two paths read this one list; {@code JdkWeaverTest} checks that they
 * call the same hooks from the same methods.
 *
 * @param type binary name of the class
 * @param names method names; {@value #CONSTRUCTOR} for constructors
 * @param arguments how many arguments the methods take; -1 for any
 * @param advice the Byte Buddy advice class
 * @param operation a constant the advice is bound to ({@code QueueHooks.OFFER}...); -1 for none
 * @param direct the same advice for the {@link JdkWeaver}
 */
public record WovenMethod(String type, Set<String> names, int arguments, Class<?> advice, int operation,
    DirectAdvice direct) {

  public static final String CONSTRUCTOR = "<init>";

  public WovenMethod(String type, Set<String> names, int arguments, Class<?> advice, DirectAdvice direct) {
    this(type, names, arguments, advice, -1, direct);
  }

  /** Whether this entry weaves the method {@code name} taking {@code argumentCount} arguments. */
  public boolean matches(String name, int argumentCount) {
    return names.contains(name) && (arguments < 0 || arguments == argumentCount);
  }
}

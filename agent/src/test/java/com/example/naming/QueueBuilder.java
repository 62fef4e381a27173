package com.example.naming;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Application code that builds a queue and hands it to {@code track} from its own frame, so that
 * naming the queue reads this class's file. Tests load it through a class loader of their own.
 */
public final class QueueBuilder {

  private QueueBuilder() {}

  public static BlockingQueue<Object> build(Consumer<Object> track) {
    BlockingQueue<Object> queue = new ArrayBlockingQueue<>(1);
    track.accept(queue);
    return queue;
  }
}

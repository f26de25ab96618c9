package com.targetdialer.bench;

/**
 * What one load driver counted in a run: 200 answers and their latencies, other answers and transport errors,
 * and the first of those. Touched only on its driver's event loop; the drivers' tallies are added up once the
 * run is over.
 */
class Tally {

  final Latencies latencies = new Latencies();
  long ok;
  long failed;
  String firstError;

  void add(Tally other) {
    latencies.addAll(other.latencies);
    ok += other.ok;
    failed += other.failed;
    firstError = firstError != null ? firstError : other.firstError;
  }
}

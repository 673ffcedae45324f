/**
 * The Node flags the server runs with (`npm start`, the Dockerfile, the benchmark; a test keeps
 * them in step). They must be on the command line: V8 sizes its heap when the process starts.
 *
 * `--max-semi-space-size=32`: a message's objects live for one group commit (a millisecond or
 * two), so under load the young generation fills every few milliseconds. With V8's default limit
 * (16 MiB here) the event loop ran about 24 scavenges a second at saturation, 13% of its time;
 * with 32 MiB it runs half as many of about the same length, for about a tenth more messages per
 * second (docs/benchmarks.md). Idle, the young generation stays small.
 *
 * `--single-threaded-gc`: V8 collects garbage on the thread that allocated it, without its helper
 * threads. Those helpers (parallel scavenges, concurrent marking and sweeping, for the event loop
 * and for the writer thread alike) wake in bursts beside the two threads that carry every message;
 * on a machine with few cores they take a core from one of them, and an ack waits. On two cores
 * at 12,000 msg/s the flag lowered the ack p99 by a third (nine paired sets under real-time
 * scheduling; under the kernel's default scheduling no difference showed), at the same throughput
 * and CPU per message (docs/benchmarks.md, nineteenth pass).
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32', '--single-threaded-gc'];

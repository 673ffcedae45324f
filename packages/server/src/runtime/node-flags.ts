/**
 * The Node flags the server runs with (`npm start`, the Dockerfile, the benchmark; a test keeps
 * them in step). They must be on the command line: V8 sizes its heap when the process starts.
 *
 * `--max-semi-space-size=32`: a message's objects live for one group commit (a millisecond or
 * two), so under load the young generation fills every few milliseconds. With V8's default limit
 * (16 MiB here) the event loop ran about 24 scavenges a second at saturation, 13% of its time;
 * with 32 MiB it runs half as many of about the same length, for about a tenth more messages per
 * second (docs/benchmarks.md). Idle, the young generation stays small.
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];

import { describe, expect, it } from "vitest";
import { configFromEnv, defaultLimits } from "../../src/server/config.js";

describe("configFromEnv", () => {
  it("uses the documented defaults when nothing is set", () => {
    const config = configFromEnv({});
    expect(config.port).toBe(4321);
    expect(config.dataDir).toBe("data");
    expect(config.limits).toEqual(defaultLimits);
    expect(defaultLimits).toEqual({
      maxLabs: 5000,
      maxClientsPerLab: 8,
      maxEventsPerSecond: 50,
      maxPayloadBytes: 65536,
      labIdleMs: 600000,
      maxRoomsPerLab: 100,
      maxRecoveryPackets: 1000,
      maxLabProcesses: 20,
      unconnectedLabIdleMs: 30000,
      labsPerAddressPerMinute: 500,
      labProcessesPerAddressPerMinute: 8,
      maxLabProcessesPerAddress: 10,
      runsPerAddressPerMinute: 600,
      linksPerAddressPerMinute: 2400,
      handshakesPerAddressPerMinute: 6000,
      serverCodePerAddressPerMinute: 120,
      maxOutgoingBytes: 1048576,
      maxHeldConnections: 8,
      maxConnectionsPerAddress: 600,
      maxHeldConnectionsPerAddress: 256,
      memoryMb: 32,
      callMs: 50,
      cpuMsPerSecond: 250,
      maxTimers: 50,
      logLinesPerSecond: 50,
      databaseBytes: 4194304,
      databaseRows: 1000,
      maxCodeBytes: 65536,
      maxSandboxes: 40,
      databaseQueryMs: 1000,
      labDatabaseRows: 10000,
      labDatabaseBytes: 4194304,
      databaseAnswerBytes: 1048576,
      databaseQueuePerLab: 1000,
      databaseQueueBytesPerLab: 1048576,
      databaseQueueBytes: 16777216,
    });
  });

  it("reads each limit from its environment variable", () => {
    const config = configFromEnv({
      PORT: "8080",
      PLAYGROUND_MAX_LABS: "10",
      PLAYGROUND_MAX_CLIENTS_PER_LAB: "3",
      PLAYGROUND_MAX_EVENTS_PER_SECOND: "7",
      PLAYGROUND_MAX_PAYLOAD_BYTES: "2048",
      PLAYGROUND_LAB_IDLE_MS: "1000",
      PLAYGROUND_MAX_ROOMS_PER_LAB: "4",
      PLAYGROUND_MAX_RECOVERY_PACKETS: "9",
      PLAYGROUND_MAX_LAB_PROCESSES: "10",
      PLAYGROUND_UNCONNECTED_LAB_IDLE_MS: "500",
      PLAYGROUND_LABS_PER_ADDRESS_PER_MINUTE: "12",
      PLAYGROUND_LAB_PROCESSES_PER_ADDRESS_PER_MINUTE: "13",
      PLAYGROUND_MAX_LAB_PROCESSES_PER_ADDRESS: "6",
      PLAYGROUND_RUNS_PER_ADDRESS_PER_MINUTE: "14",
      PLAYGROUND_LINKS_PER_ADDRESS_PER_MINUTE: "15",
      PLAYGROUND_HANDSHAKES_PER_ADDRESS_PER_MINUTE: "16",
      PLAYGROUND_SERVER_CODE_PER_ADDRESS_PER_MINUTE: "17",
      PLAYGROUND_MAX_OUTGOING_BYTES: "4096",
      PLAYGROUND_MAX_HELD_CONNECTIONS: "2",
      PLAYGROUND_MAX_CONNECTIONS_PER_ADDRESS: "23",
      PLAYGROUND_MAX_HELD_CONNECTIONS_PER_ADDRESS: "24",
      PLAYGROUND_SANDBOX_MEMORY_MB: "24",
      PLAYGROUND_SANDBOX_CALL_MS: "20",
      PLAYGROUND_SANDBOX_CPU_MS_PER_SECOND: "100",
      PLAYGROUND_SANDBOX_MAX_TIMERS: "5",
      PLAYGROUND_SANDBOX_LOG_LINES_PER_SECOND: "6",
      PLAYGROUND_SANDBOX_DATABASE_BYTES: "65536",
      PLAYGROUND_SANDBOX_DATABASE_ROWS: "11",
      PLAYGROUND_SANDBOX_MAX_CODE_BYTES: "1000",
      PLAYGROUND_SANDBOX_MAX_LABS: "2",
      PLAYGROUND_DATABASE_QUERY_MS: "300",
      PLAYGROUND_DATABASE_ROWS: "21",
      PLAYGROUND_DATABASE_BYTES: "131072",
      PLAYGROUND_DATABASE_ANSWER_BYTES: "25000",
      PLAYGROUND_DATABASE_QUEUE: "22",
      PLAYGROUND_DATABASE_QUEUE_BYTES: "23000",
      PLAYGROUND_DATABASE_QUEUE_TOTAL_BYTES: "24000",
    });
    expect(config.port).toBe(8080);
    expect(config.limits).toEqual({
      maxLabs: 10,
      maxClientsPerLab: 3,
      maxEventsPerSecond: 7,
      maxPayloadBytes: 2048,
      labIdleMs: 1000,
      maxRoomsPerLab: 4,
      maxRecoveryPackets: 9,
      maxLabProcesses: 10,
      unconnectedLabIdleMs: 500,
      labsPerAddressPerMinute: 12,
      labProcessesPerAddressPerMinute: 13,
      maxLabProcessesPerAddress: 6,
      runsPerAddressPerMinute: 14,
      linksPerAddressPerMinute: 15,
      handshakesPerAddressPerMinute: 16,
      serverCodePerAddressPerMinute: 17,
      maxOutgoingBytes: 4096,
      maxHeldConnections: 2,
      maxConnectionsPerAddress: 23,
      maxHeldConnectionsPerAddress: 24,
      memoryMb: 24,
      callMs: 20,
      cpuMsPerSecond: 100,
      maxTimers: 5,
      logLinesPerSecond: 6,
      databaseBytes: 65536,
      databaseRows: 11,
      maxCodeBytes: 1000,
      maxSandboxes: 2,
      databaseQueryMs: 300,
      labDatabaseRows: 21,
      labDatabaseBytes: 131072,
      databaseAnswerBytes: 25000,
      databaseQueuePerLab: 22,
      databaseQueueBytesPerLab: 23000,
      databaseQueueBytes: 24000,
    });
  });

  it("stops with a clear message on a malformed value", () => {
    expect(() => configFromEnv({ PLAYGROUND_MAX_LABS: "lots" })).toThrow(/PLAYGROUND_MAX_LABS must be a positive integer/);
    expect(() => configFromEnv({ PORT: "99999" })).toThrow(/PORT must be a port number/);
  });

  it("reads the trusted proxies from PLAYGROUND_TRUST_PROXY, and refuses anything but IP addresses", () => {
    expect(configFromEnv({}).trustProxy).toBeUndefined();
    expect(configFromEnv({ PLAYGROUND_TRUST_PROXY: "127.0.0.1, ::1 ::ffff:10.0.0.2" }).trustProxy).toEqual([
      "127.0.0.1",
      "::1",
      "10.0.0.2",
    ]);
    expect(() => configFromEnv({ PLAYGROUND_TRUST_PROXY: "proxy.local" })).toThrow(/PLAYGROUND_TRUST_PROXY must list IP addresses/);
  });

  it("joins the peers through Redis only with a node id and REDIS_URL, and says what is missing otherwise", () => {
    expect(configFromEnv({ REDIS_URL: "redis://r:6379" }).peers).toBeUndefined();
    expect(
      configFromEnv({ REDIS_URL: "redis://r:6379", PLAYGROUND_NODE_ID: "p1", PLAYGROUND_PEER_URL: "http://10.0.0.1:4321" }).peers,
    ).toEqual({
      nodeId: "p1",
      redisUrl: "redis://r:6379",
      url: "http://10.0.0.1:4321",
    });
    expect(() => configFromEnv({ PLAYGROUND_NODE_ID: "p1" })).toThrow(/PLAYGROUND_NODE_ID needs REDIS_URL/);
    expect(() => configFromEnv({ PLAYGROUND_NODE_ID: "Node-1", REDIS_URL: "redis://r" })).toThrow(/lowercase letters or digits/);
  });

  it("reads the allowed hosts, and refuses an entry that is not a host", () => {
    expect(configFromEnv({}).allowedHosts).toBeUndefined();
    expect(configFromEnv({ PLAYGROUND_ALLOWED_HOSTS: "playground.example.org, 10.0.0.5:4321" }).allowedHosts).toEqual([
      "playground.example.org",
      "10.0.0.5:4321",
    ]);
    expect(() => configFromEnv({ PLAYGROUND_ALLOWED_HOSTS: "https://x.example/" })).toThrow(/PLAYGROUND_ALLOWED_HOSTS/);
    expect(() => configFromEnv({ PLAYGROUND_ALLOWED_HOSTS: " , " })).toThrow(/PLAYGROUND_ALLOWED_HOSTS is empty/);
  });
});

import { isIP } from "node:net";

/** Returns true for `localhost`, 127.0.0.0/8 and `::1`, the only addresses the emulator binds. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "");
  if (bare.toLowerCase() === "localhost") {
    return true;
  }
  if (isIP(bare) === 4) {
    return bare.startsWith("127.");
  }
  if (isIP(bare) === 6) {
    return bare === "::1" || bare === "0:0:0:0:0:0:0:1" || /^::ffff:127\./i.test(bare);
  }
  return false;
}

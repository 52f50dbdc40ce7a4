import { buildHost, settings } from "./host.js";

// Start the host and stop it cleanly on SIGTERM/SIGINT (in-flight requests finish, storage closes).
const s = settings();
const host = await buildHost(s);
const { port } = await host.listen(s.port, s.host);
console.log(JSON.stringify({ msg: "listening", port, storage: s.storage.split(":")[0] }));

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(JSON.stringify({ msg: "shutting down", signal }));
  host.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(String(err));
      process.exit(1);
    },
  );
};
process.once("SIGTERM", () => stop("SIGTERM"));
process.once("SIGINT", () => stop("SIGINT"));

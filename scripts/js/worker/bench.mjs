// Benchmark of one HTTP sync round trip: the Workers build under
// `wrangler dev --local` against the same handler natively on Badger
// (what `commonplace serve` mounts), both over 127.0.0.1. Run through
// scripts/bench-worker, which builds the worker first.
import { execFile } from "node:child_process"
import { startWorker, root } from "./harness.mjs"

const n = process.env.BENCH_N ?? "200"
const worker = await startWorker()
try {
  const env = { ...process.env, COMMONPLACE_WORKER_URL: worker.base, COMMONPLACE_WORKER_ADMIN: worker.admin }
  const out = await new Promise((resolve, reject) =>
    execFile("go", ["test", "-run", "^$", "-bench", "RoundTrip", "-benchtime", `${n}x`, "./server/httpsync/"],
      { cwd: root, env, timeout: 900000 },
      (err, stdout, stderr) => (err ? reject(new Error(stdout + stderr)) : resolve(stdout))),
  )
  process.stdout.write(out)
} finally {
  await worker.stop()
}

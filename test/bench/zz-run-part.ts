import { benchPull, benchPushAndPoke } from './sync'
import path from 'node:path'
const rows: { metric: string; value: string; target: string; ok: boolean }[] = []
const part = process.argv[2]
if (part === 'pull') await benchPull(rows)
if (part === 'push') await benchPushAndPoke(rows, path.resolve('.'))
if (part === 'initial') await (await import('./initial-sync')).benchInitialSync(rows, path.resolve('.'))
if (part === 'sim') { process.env.BENCH_SIM_SECONDS = '20'; await (await import('./simulation')).benchSimulation(rows) }
for (const r of rows) console.log(`${r.metric} | ${r.value} | ${r.target} | ${r.ok ? 'ja' : 'NEIN'}`)

/**
 * The sync simulation (T20, test/support/simulation.ts) run much longer than in `npm test`: more
 * seeds (other numbers than the test's 1–200) and more steps per seed, within a time budget.
 * BENCH_SIM_SEEDS (default 2000), BENCH_SIM_STEPS (default 40) and BENCH_SIM_SECONDS (default 150)
 * change the run. A failing seed is printed with its step log and kept as a fixture, so
 * `npm test` replays it from then on.
 */
import { configFor, keepFailingSeed, runSimulation, SimulationFailure } from '../support/simulation'

export type Row = { metric: string; value: string; target: string; ok: boolean }

const FIRST_SEED = 100_001

export async function benchSimulation(rows: Row[]): Promise<void> {
  const maxSeeds = Number(process.env.BENCH_SIM_SEEDS ?? 2000)
  const steps = Number(process.env.BENCH_SIM_STEPS ?? 40)
  const budgetMs = Number(process.env.BENCH_SIM_SECONDS ?? 150) * 1000
  const started = performance.now()
  const failures: SimulationFailure[] = []
  const totals = { seeds: 0, requests: 0, faults: 0, kills: 0, mutations: 0, applied: 0, rejected: 0 }
  for (let seed = FIRST_SEED; seed < FIRST_SEED + maxSeeds && performance.now() - started < budgetMs; seed++) {
    totals.seeds++
    try {
      const outcome = await runSimulation(configFor(seed, { steps }))
      for (const key of ['requests', 'faults', 'kills', 'mutations', 'applied', 'rejected'] as const) totals[key] += outcome[key]
    } catch (e) {
      if (!(e instanceof SimulationFailure)) throw e
      failures.push(e)
      console.error(e.report())
      console.error(keepFailingSeed(e))
    }
  }
  const seconds = (performance.now() - started) / 1000
  const per = (n: number) => (n / seconds).toFixed(0)
  rows.push({
    metric: `Sync-Simulation (T20): ${totals.seeds} Seeds à ${steps} Schritte, Seeds pro Sekunde`,
    value: `${(totals.seeds / seconds).toFixed(1)} /s`,
    target: '–',
    ok: true,
  })
  rows.push({
    metric: `Sync-Simulation: ${totals.requests} Anfragen (${totals.faults} gestört), ${totals.kills} abgebrochene Seiten, ${totals.mutations} Mutationen`,
    value: `${per(totals.requests)} Anfr./s`,
    target: '–',
    ok: true,
  })
  rows.push({
    metric: `Sync-Simulation: Seeds mit verletzter Invariante${failures.length ? ` (${failures.map((f) => f.config.seed).join(', ')})` : ''}`,
    value: String(failures.length),
    target: '0',
    ok: failures.length === 0,
  })
}

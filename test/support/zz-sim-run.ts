import { configFor, runSimulation, SimulationFailure } from './simulation'
const first = Number(process.argv[2] ?? 1), n = Number(process.argv[3] ?? 10)
let fails = 0
for (let seed = first; seed < first + n; seed++) {
  try {
    const o = await runSimulation(configFor(seed, process.env.STEPS ? { steps: Number(process.env.STEPS) } : {}))
    console.log(`seed ${seed} ok applied ${o.applied} rejected ${o.rejected} ms ${o.ms.toFixed(0)}`)
  } catch (e) {
    fails++
    if (e instanceof SimulationFailure) console.log(e.report().split('\n').slice(0, 12).join('\n'))
    else console.log(e)
  }
}
console.log('fails', fails)

import { configFor, runSimulation, SimulationFailure } from './simulation'
try {
  await runSimulation(configFor(Number(process.argv[2])), { log: true })
  console.log('ok')
} catch (e) {
  if (e instanceof SimulationFailure) console.log(e.report())
  else console.log(e)
}

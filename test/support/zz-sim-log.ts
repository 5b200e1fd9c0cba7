import { configFor, runSimulation } from './simulation'
const o = await runSimulation(configFor(Number(process.argv[2] ?? 1), { steps: 40 }), { log: true })
console.log(o.log!.filter((l) => /saved|attach|delet|refused|VIOL/.test(l)).join('\n'))
console.log(JSON.stringify({ ...o, log: undefined }))

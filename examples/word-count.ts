// Example job: counts words across two worker threads and prints the running counts ("N> " is the subtask).
import { StreamExecutionEnvironment } from 'sluice';

const TEXT = [
  'To be, or not to be, that is the question:',
  "Whether 'tis nobler in the mind to suffer",
  'The slings and arrows of outrageous fortune,',
  'Or to take arms against a sea of troubles',
  'And by opposing end them. To die: to sleep;',
];

export default async function wordCount(env: StreamExecutionEnvironment, args: string[]) {
  env.setParallelism(Number(args[0] ?? 2));
  env
    .fromElements(...TEXT)
    .flatMap<string>((line, out) => {
      for (const word of line.toLowerCase().split(/\W+/)) if (word) out.collect(word);
    })
    .map((word) => [word, 1] as [string, number])
    .keyBy((pair) => pair[0])
    .sum(1)
    .print();
  const result = await env.execute('Word count');
  console.log(`Word count finished in ${result.getNetRuntime()} ms`);
}

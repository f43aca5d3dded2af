import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/** Asks a yes/no question on a terminal. `defaultYes` decides an empty answer. */
export async function confirm(input: Readable, output: Writable, question: string, defaultYes: boolean): Promise<boolean> {
  const answer = await ask(input, output, `${question} ${defaultYes ? '[Y/n]' : '[y/N]'} `);
  const text = answer.trim().toLowerCase();
  if (text === '') return defaultYes;
  return text === 'y' || text === 'yes';
}

/** One line from the input (empty when the input ends first). */
function ask(input: Readable, output: Writable, question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input, output, terminal: false });
    let done = false;
    output.write(question);
    rl.once('line', (line) => {
      done = true;
      rl.close();
      resolve(line);
    });
    rl.once('close', () => {
      if (!done) resolve('');
    });
  });
}

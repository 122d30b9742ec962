// The first-run consent prompt (SPEC §3 rule 6): the promise in a box on stderr, then a Y/n
// question whose default is Yes. Only ever shown when stdin and stderr are terminals. The
// terminal is given back (readline's close) before the answer is returned, whatever it is.
import { CONSENT_PROMPT_QUESTION, CONSENT_PROMPT_TEXT } from '@dr/shared';

/**
 * true for yes, false for no; 'interrupted' for Ctrl-C (the command is to end, as Ctrl-C ends
 * any command); undefined at the end of input (no answer: the command goes on unrecorded).
 */
export type ConsentAnswer = boolean | 'interrupted' | undefined;

export async function askForConsent(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): Promise<ConsentAnswer> {
  output.write(`${drawBox(CONSENT_PROMPT_TEXT, 'dr usage data')}\n`);
  // Loaded here: this module is part of every recording run, the prompt of almost none.
  const { createInterface } = await import('node:readline');
  const readline = createInterface({ input, output, terminal: true });
  try {
    return await new Promise<ConsentAnswer>((resolve) => {
      const ask = () =>
        readline.question(`${CONSENT_PROMPT_QUESTION} [Y/n] `, (answer) => {
          const word = answer.trim().toLowerCase();
          if (word === '' || word === 'y' || word === 'yes') resolve(true);
          else if (word === 'n' || word === 'no') resolve(false);
          else ask();
        });
      // The terminal is in raw mode while asking: Ctrl-C arrives here as a key, not as a signal.
      readline.on('SIGINT', () => resolve('interrupted'));
      readline.on('close', () => resolve(undefined));
      ask();
    });
  } finally {
    readline.close();
  }
}

/** `text` framed with box-drawing characters, lines wrapped to fit an 80-column terminal. */
export function drawBox(text: string, title: string): string {
  const width = 74;
  const lines = text.split('\n').flatMap((line) => wrap(line, width));
  const top = `╭─ ${title} ${'─'.repeat(Math.max(0, width - title.length - 1))}╮`;
  const body = lines.map((line) => `│ ${line.padEnd(width)} │`);
  return [top, ...body, `╰${'─'.repeat(width + 2)}╯`].join('\n');
}

function wrap(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const prefix = line.match(/^\s*(?:- )?/)?.[0] ?? '';
  const hanging = ' '.repeat(prefix.length);
  const out: string[] = [];
  let current = '';
  for (const word of line.slice(prefix.length).split(' ')) {
    const lead = out.length === 0 ? prefix : hanging;
    if (current !== '' && lead.length + current.length + 1 + word.length > width) {
      out.push(lead + current);
      current = word;
    } else {
      current = current === '' ? word : `${current} ${word}`;
    }
  }
  if (current !== '') out.push((out.length === 0 ? prefix : hanging) + current);
  return out;
}

// What dr tells the user about telemetry: the consent prompt, the one-time notice and the
// `dr self telemetry info` text (plain; the CLI draws the box). Changing what is collected means
// changing this text AND raising CONSENT_PROMPT_VERSION, which asks everyone again.

/** Raise when the prompt's promise changes; users whose consent is older are asked again. */
export const CONSENT_PROMPT_VERSION = 1;

const COLLECTED = [
  'which dr commands you run, the names of the flags you use (never their values),',
  'how long they take and whether they succeed (exit code and error class);',
  'which DataRobot cloud you use (us, eu or jp; any private install is just "custom");',
  'your dr version, operating system and a random install id.',
];

const NEVER_COLLECTED = [
  'tokens, API keys, passwords or the values of environment variables;',
  'file names or paths, template contents, arguments or anything you type;',
  'your email, your name or your user name, and the address of a private DataRobot install;',
  'your IP address (it is not sent with events).',
];

const OPT_OUT = [
  'dr self telemetry disable        turn it off for good',
  'DO_NOT_TRACK=1                   turn it off in this environment',
  'dr <command> --disable-telemetry turn it off for one command',
];

const bullets = (lines: readonly string[]): string => lines.map((line) => `  - ${line}`).join('\n');

/** The question the prompt asks; the CLI shows it with a Y/n choice whose default is Yes. */
export const CONSENT_PROMPT_QUESTION = 'Share anonymous usage data with DataRobot?';

/** The prompt's body, shown above the question on the first interactive run. */
export const CONSENT_PROMPT_TEXT = `Help improve dr by sharing anonymous usage data with DataRobot.

dr collects:
${bullets(COLLECTED)}

dr never collects:
${bullets(NEVER_COLLECTED)}

You can change your mind at any time:
${bullets(OPT_OUT)}

See \`dr self telemetry info\` for details.`;

/**
 * Printed once to stderr on the first run without a terminal to ask on. That run records nothing;
 * telemetry is on from the next run unless the user opts out.
 */
export const FIRST_RUN_NOTICE_TEXT = `dr collects anonymous usage data (commands, flag names, timings, errors; never values, paths, tokens or emails) to improve the tool. Nothing was recorded in this run; from the next run on it will be. To opt out: \`dr self telemetry disable\`, DO_NOT_TRACK=1, or --disable-telemetry. Details: \`dr self telemetry info\`.`;

/** The full explanation shown by `dr self telemetry info`. */
export const TELEMETRY_INFO_TEXT = `dr sends anonymous usage data to DataRobot (through Amplitude) to learn which commands are used and where they fail.

What is collected:
${bullets(COLLECTED)}

What is never collected:
${bullets(NEVER_COLLECTED)}
Every text value goes through a scrubber before it is stored, which removes anything that looks
like a token, email, URL, path, IP address or host name.

How it is sent:
  Events are written to a local spool and sent in the background after the command exits,
  so dr never waits on the network. \`dr self telemetry flush\` sends them now,
  \`dr self telemetry reset\` makes a new install id and empties the spool.
  DR_TELEMETRY_DEBUG=1 prints each event, as it would be sent, to stderr.

How to turn it off:
${bullets(OPT_OUT)}
  An administrator can turn it off for every user with telemetry.enabled: false in
  /etc/datarobot/drconfig.yaml (or the file named by DR_TELEMETRY_POLICY_FILE).`;

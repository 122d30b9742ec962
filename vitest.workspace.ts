// The test projects of the workspace, one per package. vitest.config.ts feeds this list to
// `test.projects` (vitest 4 no longer reads this file by itself).
import type { TestProjectConfiguration } from 'vitest/config';

export default [
  { test: { name: 'shared', root: './packages/shared', include: ['test/**/*.test.ts'] } },
  { test: { name: 'spooler', root: './packages/spooler', include: ['test/**/*.test.ts'] } },
  { test: { name: 'testkit', root: './packages/testkit', include: ['test/**/*.test.ts'] } },
  {
    test: {
      name: 'cli',
      root: './packages/cli',
      include: ['test/**/*.test.ts'],
      // clipanion's ESM build imports a directory, which Node's loader refuses: let vite load it.
      server: { deps: { inline: ['clipanion'] } },
    },
  },
] satisfies TestProjectConfiguration[];

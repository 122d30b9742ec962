// Every command of dr, grouped by its first word. One class per file under src/commands/, the
// file's path mirroring the command's path.
import { AuthCheckCommand } from '../commands/auth/check.ts';
import { AuthLoginCommand } from '../commands/auth/login.ts';
import { AuthLogoutCommand } from '../commands/auth/logout.ts';
import { AuthSetUrlCommand } from '../commands/auth/set-url.ts';
import { DotenvEditCommand } from '../commands/dotenv/edit.ts';
import { DotenvSetupCommand } from '../commands/dotenv/setup.ts';
import { DotenvUpdateCommand } from '../commands/dotenv/update.ts';
import { DotenvValidateCommand } from '../commands/dotenv/validate.ts';
import { SelfCompletionCommand } from '../commands/self/completion.ts';
import { SelfConfigCommand } from '../commands/self/config.ts';
import { SelfTelemetryDisableCommand } from '../commands/self/telemetry/disable.ts';
import { SelfTelemetryEnableCommand } from '../commands/self/telemetry/enable.ts';
import { SelfTelemetryFlushCommand } from '../commands/self/telemetry/flush.ts';
import { SelfTelemetryInfoCommand } from '../commands/self/telemetry/info.ts';
import { SelfTelemetryResetCommand } from '../commands/self/telemetry/reset.ts';
import { SelfTelemetryStatusCommand } from '../commands/self/telemetry/status.ts';
import { SelfUpdateCommand } from '../commands/self/update.ts';
import { SelfVersionCommand } from '../commands/self/version.ts';
import { TaskListCommand } from '../commands/task/list.ts';
import { TaskRunCommand } from '../commands/task/run.ts';
import { TemplatesCloneCommand } from '../commands/templates/clone.ts';
import { TemplatesListCommand } from '../commands/templates/list.ts';
import { TemplatesSetupCommand } from '../commands/templates/setup.ts';

/** The commands by their first word; the runner registers only the group a command line names. */
export const commandGroups = {
  auth: [AuthLoginCommand, AuthLogoutCommand, AuthCheckCommand, AuthSetUrlCommand],
  templates: [TemplatesListCommand, TemplatesCloneCommand, TemplatesSetupCommand],
  dotenv: [DotenvSetupCommand, DotenvEditCommand, DotenvValidateCommand, DotenvUpdateCommand],
  task: [TaskListCommand, TaskRunCommand],
  self: [
    SelfVersionCommand,
    SelfUpdateCommand,
    SelfCompletionCommand,
    SelfConfigCommand,
    SelfTelemetryStatusCommand,
    SelfTelemetryEnableCommand,
    SelfTelemetryDisableCommand,
    SelfTelemetryInfoCommand,
    SelfTelemetryFlushCommand,
    SelfTelemetryResetCommand,
  ],
} as const;

export type CommandGroup = keyof typeof commandGroups;

export const commandTree = Object.values(commandGroups).flat();

// Commands whose body lands in a later issue say so honestly and exit 2; they never pretend.
import { NotImplementedError } from '@dr/shared';

export function notImplementedYet(commandPath: string): never {
  throw new NotImplementedError(`\`dr ${commandPath}\``);
}

// Application templates as DataRobot lists them (`GET /api/v2/applicationTemplates/`): what dr
// reads of each, how to fetch them all (following `next`), and how a person names one (its id,
// or its name in any case).
import { DrError } from '@dr/shared';
import type { DataRobotClient } from '../datarobot/client.ts';

export interface ApplicationTemplate {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly repository: { readonly url: string; readonly tag: string };
  readonly tags: readonly string[];
}

const PAGE_LIMIT = 100;

export async function fetchTemplates(client: DataRobotClient): Promise<ApplicationTemplate[]> {
  const items = await client.getAllPages<Record<string, unknown>>(
    'applicationTemplates/',
    'the application templates',
    {
      limit: PAGE_LIMIT,
    },
  );
  return items.flatMap((item) => {
    if (typeof item.id !== 'string' || typeof item.name !== 'string') return [];
    const repository = (item.repository ?? {}) as Record<string, unknown>;
    return [
      {
        id: item.id,
        name: item.name,
        description: typeof item.description === 'string' ? item.description : '',
        repository: {
          url: typeof repository.url === 'string' ? repository.url : '',
          tag: typeof repository.tag === 'string' ? repository.tag : '',
        },
        tags: Array.isArray(item.tags)
          ? item.tags.filter((tag): tag is string => typeof tag === 'string')
          : [],
      },
    ];
  });
}

/** The template whose id is `idOrName`, else the one whose name is (any case). */
export function findTemplate(
  templates: readonly ApplicationTemplate[],
  idOrName: string,
): ApplicationTemplate {
  const wanted = idOrName.trim();
  const byId = templates.find((template) => template.id === wanted);
  if (byId) return byId;
  const byName = templates.filter((template) => template.name.toLowerCase() === wanted.toLowerCase());
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) {
    throw new DrError(
      'TEMPLATE_AMBIGUOUS',
      `Several templates are named "${wanted}": give its id instead (${byName.map((template) => template.id).join(', ')}).`,
    );
  }
  throw new DrError(
    'TEMPLATE_NOT_FOUND',
    `No template has the id or name "${wanted}": run \`dr templates list\` to see them.`,
  );
}

/** The folder a clone goes to by default: the repository's name, as the Go dr. */
export function defaultFolderName(template: ApplicationTemplate): string {
  const last =
    template.repository.url
      .replace(/[/\\]+$/, '')
      .split(/[/\\:]/)
      .at(-1) ?? '';
  const name = last.replace(/\.git$/, '');
  return name === '' || name === '.' || name === '..' ? template.id : name;
}

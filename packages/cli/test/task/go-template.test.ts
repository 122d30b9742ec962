// The subset of Go's text/template that Taskfile templates use, rendered as Go renders it
// (expected outputs worked out from Go's documented rules), and a clear error for the rest.
import { describe, expect, it } from 'vitest';
import { renderGoTemplate } from '../../src/task/go-template.ts';

const data = {
  Includes: [
    { Name: 'api', Taskfile: './api/Taskfile.yaml' },
    { Name: 'web', Taskfile: './web/Taskfile.yml' },
  ],
  HasDev: true,
  HasLint: false,
  DevComponents: ['api', 'web'],
  Empty: [],
  Port: 8080,
};

describe('renderGoTemplate', () => {
  it('prints fields, literals and variables, and trims whitespace at {{- and -}}', () => {
    expect(renderGoTemplate('a: {{ .Port }}\nb:  {{- "x" -}}  \n c', data)).toBe('a: 8080\nb:xc');
    expect(renderGoTemplate('{{ "{{" }}.ENV{{ "}}" }}', data)).toBe('{{.ENV}}');
    expect(renderGoTemplate('{{/* a comment */}}x{{ `raw}}` }}', data)).toBe('xraw}}');
    expect(renderGoTemplate('{{ .DevComponents }} {{ $.Port }}', data)).toBe('[api web] 8080');
  });

  it('ranges with dot, with $index, $value, and runs else for an empty list', () => {
    const template = 'includes:\n  {{- range .Includes }}\n  {{ .Name }}: {{ .Taskfile }}\n  {{- end }}\n';
    expect(renderGoTemplate(template, data)).toBe(
      'includes:\n  api: ./api/Taskfile.yaml\n  web: ./web/Taskfile.yml\n',
    );
    const indexed =
      '{{- range $idx, $c := .DevComponents }}{{ if eq $idx 0 }}first {{ $c }}{{ else }}, then {{ $c }}{{ end }}{{ end }}';
    expect(renderGoTemplate(indexed, data)).toBe('first api, then web');
    expect(renderGoTemplate('{{ range $c := .DevComponents }}<{{ $c }}>{{ end }}', data)).toBe('<api><web>');
    expect(renderGoTemplate('{{ range .Empty }}x{{ else }}none{{ end }}', data)).toBe('none');
  });

  it('chooses if, else if and else branches by Go truth (empty lists and false are false)', () => {
    const template =
      '{{ if .HasLint }}lint{{ else if .Empty }}empty{{ else if and .HasDev (not .HasLint) }}dev{{ else }}no{{ end }}';
    expect(renderGoTemplate(template, data)).toBe('dev');
    expect(renderGoTemplate('{{ if .Empty }}y{{ else }}n{{ end }}{{ if ne .Port 80 }}!{{ end }}', data)).toBe(
      'n!',
    );
    expect(renderGoTemplate('{{ len .Includes }} {{ or .HasLint "fallback" }}', data)).toBe('2 fallback');
  });

  it("trims only Go's spaces, skips comments holding braces, prints structures as Go does", () => {
    expect(renderGoTemplate('a\u00a0{{- "b" -}}\f c', data)).toBe('a\u00a0b\f c');
    expect(renderGoTemplate('a {{- /* {{ "}}" }} */ -}} b', data)).toBe('ab');
    expect(renderGoTemplate('{{ range .Includes }}{{ . }}{{ end }}', data)).toBe(
      '{api ./api/Taskfile.yaml}{web ./web/Taskfile.yml}',
    );
  });

  it("renders the constructs of DataRobot's recipe .Taskfile.template", () => {
    const template = [
      "dotenv: ['.env', '.env.{{`{{.ENV}}`}}']",
      'includes:',
      '  common:',
      '    taskfile: ./core/task-common.yaml',
      '  {{- range .Includes }}',
      '  {{- if ne .Name "web" }}',
      '  {{ .Name }}:',
      '    taskfile: {{ .Taskfile }}',
      '  {{- end }}',
      '  {{- end }}',
      '',
    ].join('\n');
    expect(renderGoTemplate(template, data)).toBe(
      [
        "dotenv: ['.env', '.env.{{.ENV}}']",
        'includes:',
        '  common:',
        '    taskfile: ./core/task-common.yaml',
        '  api:',
        '    taskfile: ./api/Taskfile.yaml',
        '',
      ].join('\n'),
    );
  });

  it('evaluates and/or as Go does: from the left, up to the first deciding value', () => {
    expect(renderGoTemplate('{{ or .HasDev .Missing }} {{ and .HasLint .Missing }}', data)).toBe(
      'true false',
    );
    expect(() => renderGoTemplate('{{ or .HasLint .Missing }}', data)).toThrow('the field .Missing');
  });

  it('names what it cannot render instead of writing a wrong file', () => {
    expect(() => renderGoTemplate('{{ if .HasLint }}a{{ else with .Port }}b{{ end }}', data)).toThrow(
      'The Taskfile template uses `{{else with .Port}}`, which dr does not support.',
    );
    expect(() => renderGoTemplate('{{ range .Empty }}a{{ else if .HasDev }}b{{ end }}', data)).toThrow(
      'uses `{{else if .HasDev}}`, which dr does not support',
    );
    expect(() => renderGoTemplate('{{ "\\x41" }}', data)).toThrow('has a string dr cannot read: "\\x41"');
    expect(() => renderGoTemplate('{{ if eq .Port "8080" }}x{{ end }}', data)).toThrow(
      'compares a number with a string',
    );
    expect(() => renderGoTemplate('{{ range .Port }}x{{ end }}', data)).toThrow(
      'ranges over a number, not a list',
    );
    expect(() => renderGoTemplate('{{ len .Port }}', data)).toThrow('takes len of a number');
    expect(() => renderGoTemplate('{{ .Missing }}', data)).toThrow(
      'The Taskfile template uses the field .Missing, which dr does not provide.',
    );
    expect(() => renderGoTemplate('{{ with .Port }}x{{ end }}', data)).toThrow(
      'uses `{{with}}`, which dr does not support',
    );
    expect(() => renderGoTemplate('{{ printf "%d" .Port }}', data)).toThrow(
      'calls `printf`, which dr does not support',
    );
    expect(() => renderGoTemplate('{{ if .HasDev }}x', data)).toThrow('without its `{{end}}`');
    expect(() => renderGoTemplate('x{{ end }}', data)).toThrow('with nothing to close');
    expect(() => renderGoTemplate('x {{ .Port', data)).toThrow('never closed');
    expect(() => renderGoTemplate('{{ $nope }}', data)).toThrow('undefined variable $nope');
  });
});

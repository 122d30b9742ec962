// The part of Go's text/template that Taskfile templates use (trims, comments, fields, variables,
// literals, if/else if/else, range, eq ne not and or len), rendered as Go renders it, so a
// template's own .Taskfile.template gives the Go dr's file; anything else is an error naming it.
import { DrError } from '@dr/shared';

type Value = unknown;
type Node =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'print'; readonly expression: Expression }
  | {
      readonly kind: 'if';
      readonly branches: readonly { condition: Expression; body: Node[] }[];
      readonly otherwise: Node[];
    }
  | {
      readonly kind: 'range';
      readonly over: Expression;
      readonly indexVariable: string | undefined;
      readonly valueVariable: string | undefined;
      readonly body: Node[];
      readonly otherwise: Node[];
    };
type Expression =
  | { readonly kind: 'literal'; readonly value: Value }
  | { readonly kind: 'path'; readonly root: string; readonly fields: readonly string[] }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expression[] };

/** Renders `source` with `data` as dot; throws TEMPLATE_INVALID for what it cannot render. */
export function renderGoTemplate(source: string, data: Readonly<Record<string, Value>>): string {
  const parser = new Parser(split(source));
  const nodes = parser.nodes(['']);
  const out: string[] = [];
  evaluate(nodes, data, new Map([['$', data]]), out);
  return out.join('');
}

function invalid(message: string): DrError {
  return new DrError('TEMPLATE_INVALID', `The Taskfile template ${message}.`);
}

function unsupported(action: string): DrError {
  return invalid(`uses \`{{${action}}}\`, which dr does not support`);
}

type Piece = { readonly text: string } | { readonly action: string };

/** Text and the actions between it, with the trim markers applied to the text around them. */
function split(source: string): Piece[] {
  const pieces: Piece[] = [];
  let position = 0;
  let trimNext = false;
  for (;;) {
    const open = source.indexOf('{{', position);
    let text = source.slice(position, open === -1 ? undefined : open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    if (open === -1) {
      pieces.push({ text });
      return pieces;
    }
    // Go's trim markers: a dash next to the braces and one of space, tab, CR or LF, which it trims.
    const trimBefore = /^\{\{-[ \t\r\n]/.test(source.slice(open, open + 4));
    if (trimBefore) text = text.replace(/[ \t\r\n]+$/, '');
    pieces.push({ text });
    const start = open + (trimBefore ? 3 : 2);
    const close = closingBraces(source, start);
    if (close === -1) throw invalid('has a `{{` that is never closed');
    trimNext = /[ \t\r\n]-$/.test(source.slice(start, close));
    pieces.push({ action: source.slice(start, trimNext ? close - 1 : close).trim() });
    position = close + 2;
  }
}

/** Where the `}}` that closes an action starting at `from` is, skipping quoted strings and a comment. */
function closingBraces(source: string, from: number): number {
  const comment = /^[ \t\r\n]*\/\*/.exec(source.slice(from, from + 8));
  if (comment !== null) {
    const end = source.indexOf('*/', from + comment[0].length);
    return end === -1 ? -1 : source.indexOf('}}', end + 2);
  }
  let quote: string | undefined;
  for (let index = from; index < source.length - 1; index++) {
    const char = source[index]!;
    if (quote !== undefined) {
      if (char === '\\' && quote === '"') index++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === '`') quote = char;
    else if (char === '}' && source[index + 1] === '}') return index;
  }
  return -1;
}

class Parser {
  private index = 0;
  constructor(private readonly pieces: readonly Piece[]) {}

  /** Nodes up to one of `stops` (an action's first word; '' is the end of the template), left unread. */
  nodes(stops: readonly string[]): Node[] {
    const nodes: Node[] = [];
    while (this.index < this.pieces.length) {
      const piece = this.pieces[this.index]!;
      if ('text' in piece) {
        if (piece.text !== '') nodes.push({ kind: 'text', text: piece.text });
        this.index++;
        continue;
      }
      const [keyword = ''] = piece.action.split(/\s+/, 1);
      if (keyword === 'end' || keyword === 'else') {
        if (!stops.includes(keyword)) throw invalid(`has a \`{{${piece.action}}}\` with nothing to close`);
        return nodes;
      }
      this.index++;
      if (piece.action.startsWith('/*')) continue;
      if (keyword === 'if') nodes.push(this.ifNode(piece.action.slice(2)));
      else if (keyword === 'range') nodes.push(this.rangeNode(piece.action.slice(5)));
      else if (['with', 'define', 'template', 'block', 'break', 'continue'].includes(keyword))
        throw unsupported(keyword);
      else nodes.push({ kind: 'print', expression: parseExpression(piece.action) });
    }
    if (!stops.includes('')) throw invalid('has an `{{if}}` or `{{range}}` without its `{{end}}`');
    return nodes;
  }

  private ifNode(condition: string): Node {
    const branches = [{ condition: parseExpression(condition), body: this.nodes(['else', 'end']) }];
    let otherwise: Node[] = [];
    while (this.current() !== 'end') {
      const action = this.current();
      this.index++;
      if (/^else\s+if\s/.test(action)) {
        branches.push({
          condition: parseExpression(action.replace(/^else\s+if\s/, '')),
          body: this.nodes(['else', 'end']),
        });
      } else if (action === 'else') {
        otherwise = this.nodes(['end']);
      } else {
        throw unsupported(action);
      }
    }
    this.index++;
    return { kind: 'if', branches, otherwise };
  }

  private rangeNode(header: string): Node {
    const declaration = /^\s*(\$\w*)\s*(?:,\s*(\$\w*)\s*)?:=(.*)$/s.exec(header);
    const [indexVariable, valueVariable] =
      declaration === null
        ? [undefined, undefined]
        : declaration[2] === undefined
          ? [undefined, declaration[1]]
          : [declaration[1], declaration[2]];
    const over = parseExpression(declaration === null ? header : declaration[3]!);
    const body = this.nodes(['else', 'end']);
    let otherwise: Node[] = [];
    if (this.current() !== 'end') {
      if (this.current() !== 'else') throw unsupported(this.current());
      this.index++;
      otherwise = this.nodes(['end']);
    }
    this.index++;
    return { kind: 'range', over, indexVariable, valueVariable, body, otherwise };
  }

  private current(): string {
    const piece = this.pieces[this.index];
    return piece !== undefined && 'action' in piece ? piece.action : '';
  }
}

const FUNCTIONS: Readonly<Record<string, (...args: Value[]) => Value>> = {
  eq: (first, ...others) => others.some((other) => comparable(first, other) === first),
  ne: (first, second) => comparable(first, second) !== first,
  not: (value) => !truthy(value),
  len: (value) => {
    if (typeof value === 'string' || Array.isArray(value)) return value.length;
    throw invalid(`takes len of ${goType(value)}`);
  },
};
/** Go's and/or: the first false (and) or true (or) argument, else the last; the rest are not evaluated. */
const SHORT_CIRCUIT: Readonly<Record<string, (value: Value) => boolean>> = {
  and: (value) => !truthy(value),
  or: (value) => truthy(value),
};

/** `other`, when Go can compare it with `first` (two strings, numbers or booleans); else an error. */
function comparable(first: Value, other: Value): Value {
  const basic = ['string', 'number', 'boolean'];
  if (!basic.includes(typeof first) || typeof first !== typeof other) {
    throw invalid(`compares ${goType(first)} with ${goType(other)}`);
  }
  return other;
}

function goType(value: Value): string {
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' && value !== null ? 'a structure' : `a ${typeof value}`;
}

/** One action's expression: an operand, or a function and its arguments (parenthesised calls nest). */
function parseExpression(text: string): Expression {
  const tokens = text.match(/"(?:[^"\\]|\\.)*"|`[^`]*`|\(|\)|[^\s()]+/g) ?? [];
  let position = 0;
  const operand = (): Expression => {
    const token = tokens[position++];
    if (token === undefined) throw invalid(`has an incomplete action \`{{${text}}}\``);
    if (token === '(') {
      const inner = call(')');
      position++;
      return inner;
    }
    if (token.startsWith('"')) return { kind: 'literal', value: goString(token) };
    if (token.startsWith('`')) return { kind: 'literal', value: token.slice(1, -1) };
    if (/^-?\d+(\.\d+)?$/.test(token)) return { kind: 'literal', value: Number(token) };
    if (token === 'true' || token === 'false') return { kind: 'literal', value: token === 'true' };
    if (token === '.') return { kind: 'path', root: '.', fields: [] };
    const path = /^(\$\w*|)((?:\.\w+)*)$/.exec(token);
    if (path !== null && (path[1] !== '' || path[2] !== '')) {
      return { kind: 'path', root: path[1] === '' ? '.' : path[1]!, fields: path[2]!.split('.').slice(1) };
    }
    throw invalid(`uses \`${token}\`, which dr does not support`);
  };
  const call = (end: string | undefined): Expression => {
    const first = tokens[position];
    if (first !== undefined && (Object.hasOwn(FUNCTIONS, first) || Object.hasOwn(SHORT_CIRCUIT, first))) {
      position++;
      const args: Expression[] = [];
      while (position < tokens.length && tokens[position] !== end) args.push(operand());
      return { kind: 'call', name: first, args };
    }
    if (first !== undefined && /^[a-z]\w*$/i.test(first) && first !== 'true' && first !== 'false') {
      throw invalid(`calls \`${first}\`, which dr does not support`);
    }
    return operand();
  };
  const expression = call(undefined);
  if (position < tokens.length) throw invalid(`has an action dr cannot read: \`{{${text}}}\``);
  return expression;
}

/** A double-quoted Go string; escapes beyond JSON's (`\\x41`, `\\a`) are refused rather than misread. */
function goString(token: string): string {
  try {
    return JSON.parse(token) as string;
  } catch {
    throw invalid(`has a string dr cannot read: ${token}`);
  }
}

function evaluate(nodes: readonly Node[], dot: Value, variables: Map<string, Value>, out: string[]): void {
  for (const node of nodes) {
    if (node.kind === 'text') out.push(node.text);
    else if (node.kind === 'print') out.push(printed(evaluated(node.expression, dot, variables)));
    else if (node.kind === 'if') {
      const branch = node.branches.find((candidate) =>
        truthy(evaluated(candidate.condition, dot, variables)),
      );
      evaluate(branch?.body ?? node.otherwise, dot, variables, out);
    } else {
      const items = evaluated(node.over, dot, variables);
      if (!Array.isArray(items)) throw invalid(`ranges over ${goType(items)}, not a list`);
      if (items.length === 0) evaluate(node.otherwise, dot, variables, out);
      items.forEach((item, index) => {
        const scope = new Map(variables);
        if (node.indexVariable !== undefined) scope.set(node.indexVariable, index);
        if (node.valueVariable !== undefined) scope.set(node.valueVariable, item);
        evaluate(node.body, item, scope, out);
      });
    }
  }
}

function evaluated(expression: Expression, dot: Value, variables: Map<string, Value>): Value {
  if (expression.kind === 'literal') return expression.value;
  if (expression.kind === 'call') {
    const decisive = SHORT_CIRCUIT[expression.name];
    if (decisive === undefined) {
      return FUNCTIONS[expression.name]!(...expression.args.map((arg) => evaluated(arg, dot, variables)));
    }
    let value: Value;
    for (const arg of expression.args) {
      value = evaluated(arg, dot, variables);
      if (decisive(value)) break;
    }
    return value;
  }
  if (expression.root !== '.' && !variables.has(expression.root)) {
    throw invalid(`uses the undefined variable ${expression.root}`);
  }
  let value = expression.root === '.' ? dot : variables.get(expression.root);
  for (const field of expression.fields) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, field)) {
      throw invalid(`uses the field .${field}, which dr does not provide`);
    }
    value = (value as Record<string, Value>)[field];
  }
  return value;
}

/** Go's truth: false, 0, nil and empty strings, lists and maps are false. */
function truthy(value: Value): boolean {
  if (Array.isArray(value) || typeof value === 'string') return value.length > 0;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length > 0;
  return Boolean(value);
}

/** As fmt prints a value: lists as `[a b]`, structures (an include, a port) as `{a b}`. */
function printed(value: Value): string {
  if (Array.isArray(value)) return `[${value.map(printed).join(' ')}]`;
  if (typeof value === 'object' && value !== null) return `{${Object.values(value).map(printed).join(' ')}}`;
  return value === undefined || value === null ? '<no value>' : String(value);
}

const GLOB_CHARS = /[*?[{]/;

/** True when a path segment holds Hadoop glob syntax (`*`, `?`, `[...]`, `{a,b}`). */
export function hasGlob(segment: string): boolean {
  return GLOB_CHARS.test(segment);
}

/**
 * Compiles one Hadoop-style glob segment to a RegExp: `*` and `?` never cross `/`, `[abc]`,
 * `[a-z]`, `[^a]`, `{a,b}` alternatives; everything else is literal.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let inGroup = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    switch (c) {
      case '*':
        re += '[^/]*';
        break;
      case '?':
        re += '[^/]';
        break;
      case '[': {
        const end = glob.indexOf(']', i + 1);
        if (end < 0) {
          re += '\\[';
          break;
        }
        let body = glob.slice(i + 1, end);
        if (body.startsWith('^') || body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
        break;
      }
      case '{':
        inGroup++;
        re += '(?:';
        break;
      case '}':
        if (inGroup > 0) {
          inGroup--;
          re += ')';
        } else re += '\\}';
        break;
      case ',':
        re += inGroup > 0 ? '|' : ',';
        break;
      case '\\':
        if (i + 1 < glob.length) re += '\\' + glob[++i];
        break;
      default:
        re += /[.+^$()|\\/]/.test(c) ? '\\' + c : c;
    }
  }
  return new RegExp(`^${re}$`);
}

/** An input path split into the directory to list and the glob segments below it. */
export interface InputPattern {
  /** The longest literal directory prefix (listed recursively). */
  readonly baseDir: string;
  /** Compiled glob segments that the first path segments below `baseDir` must match. */
  readonly segments: readonly RegExp[];
}

export function parseInputPath(path: string): InputPattern {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const parts = trimmed.split('/');
  const firstGlob = parts.findIndex(hasGlob);
  if (firstGlob < 0) return { baseDir: trimmed, segments: [] };
  return {
    baseDir: parts.slice(0, firstGlob).join('/') || '/',
    segments: parts.slice(firstGlob).map(globToRegExp),
  };
}

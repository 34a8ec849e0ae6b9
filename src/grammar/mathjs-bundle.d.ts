/** Types of mathjs's single-file bundle (an exported subpath without types of its own): its default instance. */
declare module 'mathjs/lib/browser/math.js' {
  import type { MathJsInstance } from 'mathjs';
  const math: MathJsInstance;
  export default math;
}

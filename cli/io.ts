/**
 * File output at the CLI's edge: every report is written atomically (write, then rename),
 * by the same helper that writes bundles and checkpoints.
 */
export { writeFileAtomically as writeFileAtomic } from '../agents/io/directory-io.js';

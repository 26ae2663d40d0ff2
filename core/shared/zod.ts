// eslint-disable-next-line no-restricted-imports -- the one door to zod (eslint.config.js)
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * zod for every runtime schema: `import * as z from '<this module>'`.
 *
 * It is zod/mini, the tree-shakable build (functions, not methods: a Lambda
 * bundles only what its schemas call; the classic build is ~94 KB whole).
 * Classic zod registers its English messages when its first schema is built;
 * zod/mini leaves that to the application, so it is done here, once: the
 * messages zod writes itself ("Invalid input: expected string, received
 * undefined") stay the same as before.
 */
config(en());

// eslint-disable-next-line no-restricted-imports -- the one door to zod (eslint.config.js)
export * from 'zod/mini';

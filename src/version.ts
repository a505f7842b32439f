// Kept in step with package.json by __tests__/version.test.ts; a constant
// rather than a JSON import so the bundle carries no package.json parsing.
export const ACTION_NAME = 'zilliz-import-wait'
export const ACTION_VERSION = '1.0.0'
export const USER_AGENT = `${ACTION_NAME}/${ACTION_VERSION}`

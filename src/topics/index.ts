export { buildTopics, loadCuratedTopics, findTopic, rankTopicsForAutocomplete, type BuildTopicsInput } from './build.js';
export { ALIAS_GROUPS, type AliasGroup } from './aliases.js';

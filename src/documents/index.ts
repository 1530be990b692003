export { DocumentError } from './errors.js';
export { parseFrontMatter, type FrontMatter } from './frontmatter.js';
export { htmlToText } from './html.js';
export {
  DOCUMENT_EXTENSIONS,
  isDocumentExt,
  parseDocument,
  parseDocumentDetailed,
  type DocumentExt,
  type ParseInput,
  type ParsedDocument,
} from './parse.js';
export { MAX_SLUG_LENGTH, slugify } from './slug.js';
export {
  DEFAULT_MAX_BYTES,
  assignUniqueSlugs,
  isDocumentPath,
  isIgnoredName,
  loadDocumentFile,
  loadDocuments,
  toDocPath,
  type LoadOptions,
  type LoadResult,
  type SkippedFile,
  type WarnLogger,
} from './load.js';

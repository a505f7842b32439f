import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 407:
/***/ (function (module, __unused_webpack___webpack_exports__, __nccwpck_require__) {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(687);
// The action's entry point (bundled to dist/index.js). All logic lives in main.ts.

await (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .run */ .e)();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 687:
/***/ (function (__unused_webpack_module, __webpack_exports__, __nccwpck_require__) {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  e: () => (/* binding */ run)
});

// NAMESPACE OBJECT: ./node_modules/@actions/core/lib/platform.js
var platform_namespaceObject = {};
__nccwpck_require__.r(platform_namespaceObject);
__nccwpck_require__.d(platform_namespaceObject, {
  arch: () => (arch),
  getDetails: () => (getDetails),
  isLinux: () => (isLinux),
  isMacOS: () => (isMacOS),
  isWindows: () => (isWindows),
  platform: () => (platform)
});

// NAMESPACE OBJECT: ./node_modules/@actions/core/lib/core.js
var core_namespaceObject = {};
__nccwpck_require__.r(core_namespaceObject);
__nccwpck_require__.d(core_namespaceObject, {
  ExitCode: () => (ExitCode),
  addPath: () => (addPath),
  debug: () => (debug),
  endGroup: () => (endGroup),
  error: () => (error),
  exportVariable: () => (exportVariable),
  getBooleanInput: () => (getBooleanInput),
  getIDToken: () => (getIDToken),
  getInput: () => (getInput),
  getMultilineInput: () => (getMultilineInput),
  getState: () => (getState),
  group: () => (group),
  info: () => (info),
  isDebug: () => (isDebug),
  markdownSummary: () => (markdownSummary),
  notice: () => (notice),
  platform: () => (platform_namespaceObject),
  saveState: () => (saveState),
  setCommandEcho: () => (setCommandEcho),
  setFailed: () => (setFailed),
  setOutput: () => (setOutput),
  setSecret: () => (setSecret),
  startGroup: () => (startGroup),
  summary: () => (summary),
  toPlatformPath: () => (toPlatformPath),
  toPosixPath: () => (toPosixPath),
  toWin32Path: () => (toWin32Path),
  warning: () => (warning)
});

;// CONCATENATED MODULE: external "os"
const external_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/utils.js
// We use any as a valid input type
/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Sanitizes an input into a string so it can be passed into issueCommand safely
 * @param input input to sanitize into a string
 */
function toCommandValue(input) {
    if (input === null || input === undefined) {
        return '';
    }
    else if (typeof input === 'string' || input instanceof String) {
        return input;
    }
    return JSON.stringify(input);
}
/**
 *
 * @param annotationProperties
 * @returns The command properties to send with the actual annotation command
 * See IssueCommandProperties: https://github.com/actions/runner/blob/main/src/Runner.Worker/ActionCommandManager.cs#L646
 */
function toCommandProperties(annotationProperties) {
    if (!Object.keys(annotationProperties).length) {
        return {};
    }
    return {
        title: annotationProperties.title,
        file: annotationProperties.file,
        line: annotationProperties.startLine,
        endLine: annotationProperties.endLine,
        col: annotationProperties.startColumn,
        endColumn: annotationProperties.endColumn
    };
}
//# sourceMappingURL=utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/command.js


/**
 * Issues a command to the GitHub Actions runner
 *
 * @param command - The command name to issue
 * @param properties - Additional properties for the command (key-value pairs)
 * @param message - The message to include with the command
 * @remarks
 * This function outputs a specially formatted string to stdout that the Actions
 * runner interprets as a command. These commands can control workflow behavior,
 * set outputs, create annotations, mask values, and more.
 *
 * Command Format:
 *   ::name key=value,key=value::message
 *
 * @example
 * ```typescript
 * // Issue a warning annotation
 * issueCommand('warning', {}, 'This is a warning message');
 * // Output: ::warning::This is a warning message
 *
 * // Set an environment variable
 * issueCommand('set-env', { name: 'MY_VAR' }, 'some value');
 * // Output: ::set-env name=MY_VAR::some value
 *
 * // Add a secret mask
 * issueCommand('add-mask', {}, 'secretValue123');
 * // Output: ::add-mask::secretValue123
 * ```
 *
 * @internal
 * This is an internal utility function that powers the public API functions
 * such as setSecret, warning, error, and exportVariable.
 */
function issueCommand(command, properties, message) {
    const cmd = new Command(command, properties, message);
    process.stdout.write(cmd.toString() + external_os_namespaceObject.EOL);
}
function issue(name, message = '') {
    issueCommand(name, {}, message);
}
const CMD_STRING = '::';
class Command {
    constructor(command, properties, message) {
        if (!command) {
            command = 'missing.command';
        }
        this.command = command;
        this.properties = properties;
        this.message = message;
    }
    toString() {
        let cmdStr = CMD_STRING + this.command;
        if (this.properties && Object.keys(this.properties).length > 0) {
            cmdStr += ' ';
            let first = true;
            for (const key in this.properties) {
                if (this.properties.hasOwnProperty(key)) {
                    const val = this.properties[key];
                    if (val) {
                        if (first) {
                            first = false;
                        }
                        else {
                            cmdStr += ',';
                        }
                        cmdStr += `${key}=${escapeProperty(val)}`;
                    }
                }
            }
        }
        cmdStr += `${CMD_STRING}${escapeData(this.message)}`;
        return cmdStr;
    }
}
function escapeData(s) {
    return toCommandValue(s)
        .replace(/%/g, '%25')
        .replace(/\r/g, '%0D')
        .replace(/\n/g, '%0A');
}
function escapeProperty(s) {
    return toCommandValue(s)
        .replace(/%/g, '%25')
        .replace(/\r/g, '%0D')
        .replace(/\n/g, '%0A')
        .replace(/:/g, '%3A')
        .replace(/,/g, '%2C');
}
//# sourceMappingURL=command.js.map
;// CONCATENATED MODULE: external "crypto"
const external_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");
;// CONCATENATED MODULE: external "fs"
const external_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/file-command.js
// For internal use, subject to change.
// We use any as a valid input type
/* eslint-disable @typescript-eslint/no-explicit-any */




function issueFileCommand(command, message) {
    const filePath = process.env[`GITHUB_${command}`];
    if (!filePath) {
        throw new Error(`Unable to find environment variable for file command ${command}`);
    }
    if (!external_fs_namespaceObject.existsSync(filePath)) {
        throw new Error(`Missing file at path: ${filePath}`);
    }
    external_fs_namespaceObject.appendFileSync(filePath, `${toCommandValue(message)}${external_os_namespaceObject.EOL}`, {
        encoding: 'utf8'
    });
}
function prepareKeyValueMessage(key, value) {
    const delimiter = `ghadelimiter_${external_crypto_namespaceObject.randomUUID()}`;
    const convertedValue = toCommandValue(value);
    // These should realistically never happen, but just in case someone finds a
    // way to exploit uuid generation let's not allow keys or values that contain
    // the delimiter.
    if (key.includes(delimiter)) {
        throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
    }
    if (convertedValue.includes(delimiter)) {
        throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
    }
    return `${key}<<${delimiter}${external_os_namespaceObject.EOL}${convertedValue}${external_os_namespaceObject.EOL}${delimiter}`;
}
//# sourceMappingURL=file-command.js.map
;// CONCATENATED MODULE: external "path"
const external_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");
// EXTERNAL MODULE: ./build/actions-http-client-stub.cjs
var actions_http_client_stub = __nccwpck_require__(857);
;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/auth.js
var __awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};
class BasicCredentialHandler {
    constructor(username, password) {
        this.username = username;
        this.password = password;
    }
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return __awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
class BearerCredentialHandler {
    constructor(token) {
        this.token = token;
    }
    // currently implements pre-authorization
    // TODO: support preAuth = false where it hooks on 401
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Bearer ${this.token}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return __awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
class PersonalAccessTokenCredentialHandler {
    constructor(token) {
        this.token = token;
    }
    // currently implements pre-authorization
    // TODO: support preAuth = false where it hooks on 401
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Basic ${Buffer.from(`PAT:${this.token}`).toString('base64')}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return __awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
//# sourceMappingURL=auth.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/oidc-utils.js
var oidc_utils_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};



class OidcClient {
    static createHttpClient(allowRetry = true, maxRetry = 10) {
        const requestOptions = {
            allowRetries: allowRetry,
            maxRetries: maxRetry
        };
        return new actions_http_client_stub.HttpClient('actions/oidc-client', [new BearerCredentialHandler(OidcClient.getRequestToken())], requestOptions);
    }
    static getRequestToken() {
        const token = process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
        if (!token) {
            throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_TOKEN env variable');
        }
        return token;
    }
    static getIDTokenUrl() {
        const runtimeUrl = process.env['ACTIONS_ID_TOKEN_REQUEST_URL'];
        if (!runtimeUrl) {
            throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
        }
        return runtimeUrl;
    }
    static getCall(id_token_url) {
        return oidc_utils_awaiter(this, void 0, void 0, function* () {
            var _a;
            const httpclient = OidcClient.createHttpClient();
            const res = yield httpclient
                .getJson(id_token_url)
                .catch(error => {
                throw new Error(`Failed to get ID Token. \n 
        Error Code : ${error.statusCode}\n 
        Error Message: ${error.message}`);
            });
            const id_token = (_a = res.result) === null || _a === void 0 ? void 0 : _a.value;
            if (!id_token) {
                throw new Error('Response json body do not have ID Token field');
            }
            return id_token;
        });
    }
    static getIDToken(audience) {
        return oidc_utils_awaiter(this, void 0, void 0, function* () {
            try {
                // New ID Token is requested from action service
                let id_token_url = OidcClient.getIDTokenUrl();
                if (audience) {
                    const encodedAudience = encodeURIComponent(audience);
                    id_token_url = `${id_token_url}&audience=${encodedAudience}`;
                }
                debug(`ID token url is ${id_token_url}`);
                const id_token = yield OidcClient.getCall(id_token_url);
                setSecret(id_token);
                return id_token;
            }
            catch (error) {
                throw new Error(`Error message: ${error.message}`);
            }
        });
    }
}
//# sourceMappingURL=oidc-utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/summary.js
var summary_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const { access, appendFile, writeFile } = external_fs_namespaceObject.promises;
const SUMMARY_ENV_VAR = 'GITHUB_STEP_SUMMARY';
const SUMMARY_DOCS_URL = 'https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#adding-a-job-summary';
class Summary {
    constructor() {
        this._buffer = '';
    }
    /**
     * Finds the summary file path from the environment, rejects if env var is not found or file does not exist
     * Also checks r/w permissions.
     *
     * @returns step summary file path
     */
    filePath() {
        return summary_awaiter(this, void 0, void 0, function* () {
            if (this._filePath) {
                return this._filePath;
            }
            const pathFromEnv = process.env[SUMMARY_ENV_VAR];
            if (!pathFromEnv) {
                throw new Error(`Unable to find environment variable for $${SUMMARY_ENV_VAR}. Check if your runtime environment supports job summaries.`);
            }
            try {
                yield access(pathFromEnv, external_fs_namespaceObject.constants.R_OK | external_fs_namespaceObject.constants.W_OK);
            }
            catch (_a) {
                throw new Error(`Unable to access summary file: '${pathFromEnv}'. Check if the file has correct read/write permissions.`);
            }
            this._filePath = pathFromEnv;
            return this._filePath;
        });
    }
    /**
     * Wraps content in an HTML tag, adding any HTML attributes
     *
     * @param {string} tag HTML tag to wrap
     * @param {string | null} content content within the tag
     * @param {[attribute: string]: string} attrs key-value list of HTML attributes to add
     *
     * @returns {string} content wrapped in HTML element
     */
    wrap(tag, content, attrs = {}) {
        const htmlAttrs = Object.entries(attrs)
            .map(([key, value]) => ` ${key}="${value}"`)
            .join('');
        if (!content) {
            return `<${tag}${htmlAttrs}>`;
        }
        return `<${tag}${htmlAttrs}>${content}</${tag}>`;
    }
    /**
     * Writes text in the buffer to the summary buffer file and empties buffer. Will append by default.
     *
     * @param {SummaryWriteOptions} [options] (optional) options for write operation
     *
     * @returns {Promise<Summary>} summary instance
     */
    write(options) {
        return summary_awaiter(this, void 0, void 0, function* () {
            const overwrite = !!(options === null || options === void 0 ? void 0 : options.overwrite);
            const filePath = yield this.filePath();
            const writeFunc = overwrite ? writeFile : appendFile;
            yield writeFunc(filePath, this._buffer, { encoding: 'utf8' });
            return this.emptyBuffer();
        });
    }
    /**
     * Clears the summary buffer and wipes the summary file
     *
     * @returns {Summary} summary instance
     */
    clear() {
        return summary_awaiter(this, void 0, void 0, function* () {
            return this.emptyBuffer().write({ overwrite: true });
        });
    }
    /**
     * Returns the current summary buffer as a string
     *
     * @returns {string} string of summary buffer
     */
    stringify() {
        return this._buffer;
    }
    /**
     * If the summary buffer is empty
     *
     * @returns {boolen} true if the buffer is empty
     */
    isEmptyBuffer() {
        return this._buffer.length === 0;
    }
    /**
     * Resets the summary buffer without writing to summary file
     *
     * @returns {Summary} summary instance
     */
    emptyBuffer() {
        this._buffer = '';
        return this;
    }
    /**
     * Adds raw text to the summary buffer
     *
     * @param {string} text content to add
     * @param {boolean} [addEOL=false] (optional) append an EOL to the raw text (default: false)
     *
     * @returns {Summary} summary instance
     */
    addRaw(text, addEOL = false) {
        this._buffer += text;
        return addEOL ? this.addEOL() : this;
    }
    /**
     * Adds the operating system-specific end-of-line marker to the buffer
     *
     * @returns {Summary} summary instance
     */
    addEOL() {
        return this.addRaw(external_os_namespaceObject.EOL);
    }
    /**
     * Adds an HTML codeblock to the summary buffer
     *
     * @param {string} code content to render within fenced code block
     * @param {string} lang (optional) language to syntax highlight code
     *
     * @returns {Summary} summary instance
     */
    addCodeBlock(code, lang) {
        const attrs = Object.assign({}, (lang && { lang }));
        const element = this.wrap('pre', this.wrap('code', code), attrs);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML list to the summary buffer
     *
     * @param {string[]} items list of items to render
     * @param {boolean} [ordered=false] (optional) if the rendered list should be ordered or not (default: false)
     *
     * @returns {Summary} summary instance
     */
    addList(items, ordered = false) {
        const tag = ordered ? 'ol' : 'ul';
        const listItems = items.map(item => this.wrap('li', item)).join('');
        const element = this.wrap(tag, listItems);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML table to the summary buffer
     *
     * @param {SummaryTableCell[]} rows table rows
     *
     * @returns {Summary} summary instance
     */
    addTable(rows) {
        const tableBody = rows
            .map(row => {
            const cells = row
                .map(cell => {
                if (typeof cell === 'string') {
                    return this.wrap('td', cell);
                }
                const { header, data, colspan, rowspan } = cell;
                const tag = header ? 'th' : 'td';
                const attrs = Object.assign(Object.assign({}, (colspan && { colspan })), (rowspan && { rowspan }));
                return this.wrap(tag, data, attrs);
            })
                .join('');
            return this.wrap('tr', cells);
        })
            .join('');
        const element = this.wrap('table', tableBody);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds a collapsable HTML details element to the summary buffer
     *
     * @param {string} label text for the closed state
     * @param {string} content collapsable content
     *
     * @returns {Summary} summary instance
     */
    addDetails(label, content) {
        const element = this.wrap('details', this.wrap('summary', label) + content);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML image tag to the summary buffer
     *
     * @param {string} src path to the image you to embed
     * @param {string} alt text description of the image
     * @param {SummaryImageOptions} options (optional) addition image attributes
     *
     * @returns {Summary} summary instance
     */
    addImage(src, alt, options) {
        const { width, height } = options || {};
        const attrs = Object.assign(Object.assign({}, (width && { width })), (height && { height }));
        const element = this.wrap('img', null, Object.assign({ src, alt }, attrs));
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML section heading element
     *
     * @param {string} text heading text
     * @param {number | string} [level=1] (optional) the heading level, default: 1
     *
     * @returns {Summary} summary instance
     */
    addHeading(text, level) {
        const tag = `h${level}`;
        const allowedTag = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].includes(tag)
            ? tag
            : 'h1';
        const element = this.wrap(allowedTag, text);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML thematic break (<hr>) to the summary buffer
     *
     * @returns {Summary} summary instance
     */
    addSeparator() {
        const element = this.wrap('hr', null);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML line break (<br>) to the summary buffer
     *
     * @returns {Summary} summary instance
     */
    addBreak() {
        const element = this.wrap('br', null);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML blockquote to the summary buffer
     *
     * @param {string} text quote text
     * @param {string} cite (optional) citation url
     *
     * @returns {Summary} summary instance
     */
    addQuote(text, cite) {
        const attrs = Object.assign({}, (cite && { cite }));
        const element = this.wrap('blockquote', text, attrs);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML anchor tag to the summary buffer
     *
     * @param {string} text link text/content
     * @param {string} href hyperlink
     *
     * @returns {Summary} summary instance
     */
    addLink(text, href) {
        const element = this.wrap('a', text, { href });
        return this.addRaw(element).addEOL();
    }
}
const _summary = new Summary();
/**
 * @deprecated use `core.summary`
 */
const markdownSummary = _summary;
const summary = _summary;
//# sourceMappingURL=summary.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/path-utils.js

/**
 * toPosixPath converts the given path to the posix form. On Windows, \\ will be
 * replaced with /.
 *
 * @param pth. Path to transform.
 * @return string Posix path.
 */
function toPosixPath(pth) {
    return pth.replace(/[\\]/g, '/');
}
/**
 * toWin32Path converts the given path to the win32 form. On Linux, / will be
 * replaced with \\.
 *
 * @param pth. Path to transform.
 * @return string Win32 path.
 */
function toWin32Path(pth) {
    return pth.replace(/[/]/g, '\\');
}
/**
 * toPlatformPath converts the given path to a platform-specific path. It does
 * this by replacing instances of / and \ with the platform-specific path
 * separator.
 *
 * @param pth The path to platformize.
 * @return string The platform-specific path.
 */
function toPlatformPath(pth) {
    return pth.replace(/[/\\]/g, external_path_namespaceObject.sep);
}
//# sourceMappingURL=path-utils.js.map
// EXTERNAL MODULE: ./build/actions-exec-stub.cjs
var actions_exec_stub = __nccwpck_require__(636);
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/platform.js
var platform_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const getWindowsInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    const { stdout: version } = yield actions_exec_stub.getExecOutput('powershell -command "(Get-CimInstance -ClassName Win32_OperatingSystem).Version"', undefined, {
        silent: true
    });
    const { stdout: name } = yield actions_exec_stub.getExecOutput('powershell -command "(Get-CimInstance -ClassName Win32_OperatingSystem).Caption"', undefined, {
        silent: true
    });
    return {
        name: name.trim(),
        version: version.trim()
    };
});
const getMacOsInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    var _a, _b, _c, _d;
    const { stdout } = yield actions_exec_stub.getExecOutput('sw_vers', undefined, {
        silent: true
    });
    const version = (_b = (_a = stdout.match(/ProductVersion:\s*(.+)/)) === null || _a === void 0 ? void 0 : _a[1]) !== null && _b !== void 0 ? _b : '';
    const name = (_d = (_c = stdout.match(/ProductName:\s*(.+)/)) === null || _c === void 0 ? void 0 : _c[1]) !== null && _d !== void 0 ? _d : '';
    return {
        name,
        version
    };
});
const getLinuxInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    const { stdout } = yield actions_exec_stub.getExecOutput('lsb_release', ['-i', '-r', '-s'], {
        silent: true
    });
    const [name, version] = stdout.trim().split('\n');
    return {
        name,
        version
    };
});
const platform = external_os_namespaceObject.platform();
const arch = external_os_namespaceObject.arch();
const isWindows = platform === 'win32';
const isMacOS = platform === 'darwin';
const isLinux = platform === 'linux';
function getDetails() {
    return platform_awaiter(this, void 0, void 0, function* () {
        return Object.assign(Object.assign({}, (yield (isWindows
            ? getWindowsInfo()
            : isMacOS
                ? getMacOsInfo()
                : getLinuxInfo()))), { platform,
            arch,
            isWindows,
            isMacOS,
            isLinux });
    });
}
//# sourceMappingURL=platform.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/core.js
var core_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};






/**
 * The code to exit an action
 */
var ExitCode;
(function (ExitCode) {
    /**
     * A code indicating that the action was successful
     */
    ExitCode[ExitCode["Success"] = 0] = "Success";
    /**
     * A code indicating that the action was a failure
     */
    ExitCode[ExitCode["Failure"] = 1] = "Failure";
})(ExitCode || (ExitCode = {}));
//-----------------------------------------------------------------------
// Variables
//-----------------------------------------------------------------------
/**
 * Sets env variable for this action and future actions in the job
 * @param name the name of the variable to set
 * @param val the value of the variable. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function exportVariable(name, val) {
    const convertedVal = toCommandValue(val);
    process.env[name] = convertedVal;
    const filePath = process.env['GITHUB_ENV'] || '';
    if (filePath) {
        return issueFileCommand('ENV', prepareKeyValueMessage(name, val));
    }
    issueCommand('set-env', { name }, convertedVal);
}
/**
 * Registers a secret which will get masked from logs
 *
 * @param secret - Value of the secret to be masked
 * @remarks
 * This function instructs the Actions runner to mask the specified value in any
 * logs produced during the workflow run. Once registered, the secret value will
 * be replaced with asterisks (***) whenever it appears in console output, logs,
 * or error messages.
 *
 * This is useful for protecting sensitive information such as:
 * - API keys
 * - Access tokens
 * - Authentication credentials
 * - URL parameters containing signatures (SAS tokens)
 *
 * Note that masking only affects future logs; any previous appearances of the
 * secret in logs before calling this function will remain unmasked.
 *
 * @example
 * ```typescript
 * // Register an API token as a secret
 * const apiToken = "abc123xyz456";
 * setSecret(apiToken);
 *
 * // Now any logs containing this value will show *** instead
 * console.log(`Using token: ${apiToken}`); // Outputs: "Using token: ***"
 * ```
 */
function setSecret(secret) {
    issueCommand('add-mask', {}, secret);
}
/**
 * Prepends inputPath to the PATH (for this action and future actions)
 * @param inputPath
 */
function addPath(inputPath) {
    const filePath = process.env['GITHUB_PATH'] || '';
    if (filePath) {
        issueFileCommand('PATH', inputPath);
    }
    else {
        issueCommand('add-path', {}, inputPath);
    }
    process.env['PATH'] = `${inputPath}${external_path_namespaceObject.delimiter}${process.env['PATH']}`;
}
/**
 * Gets the value of an input.
 * Unless trimWhitespace is set to false in InputOptions, the value is also trimmed.
 * Returns an empty string if the value is not defined.
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   string
 */
function getInput(name, options) {
    const val = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '';
    if (options && options.required && !val) {
        throw new Error(`Input required and not supplied: ${name}`);
    }
    if (options && options.trimWhitespace === false) {
        return val;
    }
    return val.trim();
}
/**
 * Gets the values of an multiline input.  Each value is also trimmed.
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   string[]
 *
 */
function getMultilineInput(name, options) {
    const inputs = getInput(name, options)
        .split('\n')
        .filter(x => x !== '');
    if (options && options.trimWhitespace === false) {
        return inputs;
    }
    return inputs.map(input => input.trim());
}
/**
 * Gets the input value of the boolean type in the YAML 1.2 "core schema" specification.
 * Support boolean input list: `true | True | TRUE | false | False | FALSE` .
 * The return value is also in boolean type.
 * ref: https://yaml.org/spec/1.2/spec.html#id2804923
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   boolean
 */
function getBooleanInput(name, options) {
    const trueValue = ['true', 'True', 'TRUE'];
    const falseValue = ['false', 'False', 'FALSE'];
    const val = getInput(name, options);
    if (trueValue.includes(val))
        return true;
    if (falseValue.includes(val))
        return false;
    throw new TypeError(`Input does not meet YAML 1.2 "Core Schema" specification: ${name}\n` +
        `Support boolean input list: \`true | True | TRUE | false | False | FALSE\``);
}
/**
 * Sets the value of an output.
 *
 * @param     name     name of the output to set
 * @param     value    value to store. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function setOutput(name, value) {
    const filePath = process.env['GITHUB_OUTPUT'] || '';
    if (filePath) {
        return issueFileCommand('OUTPUT', prepareKeyValueMessage(name, value));
    }
    process.stdout.write(external_os_namespaceObject.EOL);
    issueCommand('set-output', { name }, toCommandValue(value));
}
/**
 * Enables or disables the echoing of commands into stdout for the rest of the step.
 * Echoing is disabled by default if ACTIONS_STEP_DEBUG is not set.
 *
 */
function setCommandEcho(enabled) {
    issue('echo', enabled ? 'on' : 'off');
}
//-----------------------------------------------------------------------
// Results
//-----------------------------------------------------------------------
/**
 * Sets the action status to failed.
 * When the action exits it will be with an exit code of 1
 * @param message add error issue message
 */
function setFailed(message) {
    process.exitCode = ExitCode.Failure;
    error(message);
}
//-----------------------------------------------------------------------
// Logging Commands
//-----------------------------------------------------------------------
/**
 * Gets whether Actions Step Debug is on or not
 */
function isDebug() {
    return process.env['RUNNER_DEBUG'] === '1';
}
/**
 * Writes debug message to user log
 * @param message debug message
 */
function debug(message) {
    issueCommand('debug', {}, message);
}
/**
 * Adds an error issue
 * @param message error issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function error(message, properties = {}) {
    issueCommand('error', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Adds a warning issue
 * @param message warning issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function warning(message, properties = {}) {
    issueCommand('warning', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Adds a notice issue
 * @param message notice issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function notice(message, properties = {}) {
    issueCommand('notice', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Writes info to log with console.log.
 * @param message info message
 */
function info(message) {
    process.stdout.write(message + external_os_namespaceObject.EOL);
}
/**
 * Begin an output group.
 *
 * Output until the next `groupEnd` will be foldable in this group
 *
 * @param name The name of the output group
 */
function startGroup(name) {
    issue('group', name);
}
/**
 * End an output group.
 */
function endGroup() {
    issue('endgroup');
}
/**
 * Wrap an asynchronous function call in a group.
 *
 * Returns the same type as the function itself.
 *
 * @param name The name of the group
 * @param fn The function to wrap in the group
 */
function group(name, fn) {
    return core_awaiter(this, void 0, void 0, function* () {
        startGroup(name);
        let result;
        try {
            result = yield fn();
        }
        finally {
            endGroup();
        }
        return result;
    });
}
//-----------------------------------------------------------------------
// Wrapper action state
//-----------------------------------------------------------------------
/**
 * Saves state for current action, the state can only be retrieved by this action's post job execution.
 *
 * @param     name     name of the state to store
 * @param     value    value to store. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function saveState(name, value) {
    const filePath = process.env['GITHUB_STATE'] || '';
    if (filePath) {
        return issueFileCommand('STATE', prepareKeyValueMessage(name, value));
    }
    issueCommand('save-state', { name }, toCommandValue(value));
}
/**
 * Gets the value of an state set by this action's main execution.
 *
 * @param     name     name of the state to get
 * @returns   string
 */
function getState(name) {
    return process.env[`STATE_${name}`] || '';
}
function getIDToken(aud) {
    return core_awaiter(this, void 0, void 0, function* () {
        return yield OidcClient.getIDToken(aud);
    });
}
/**
 * Summary exports
 */

/**
 * @deprecated use core.summary
 */

/**
 * Path exports
 */

/**
 * Platform utilities exports
 */

//# sourceMappingURL=core.js.map
;// CONCATENATED MODULE: ./src/errors.ts
/**
 * The two ways one poll can go wrong, as the poll loop sees them. The API
 * client decides which applies; the loop only knows "try again" or "stop".
 */
/** Worth another try until the deadline: network faults, 5xx, throttling, garbage bodies. */
class TransientError extends Error {
    name = 'TransientError';
    retryAfterMs;
    answered;
    constructor(message, detail = {}) {
        super(message);
        this.retryAfterMs = detail.retryAfterMs;
        this.answered = detail.answered;
    }
}
/** Asking again will not help: bad key, unknown job, wrong host, malformed answer. */
class PermanentError extends Error {
    name = 'PermanentError';
}
/**
 * The server has no list call this action can use: HTTP 404 or 405, a body
 * that says the route is unknown, or an answer in a shape it does not know.
 * The loop goes back to one describe per job.
 */
class ListUnsupportedError extends Error {
    name = 'ListUnsupportedError';
}
/** The caller's signal fired (cancel or fail-fast); not a fault of the server. */
class AbortedError extends Error {
    name = 'AbortedError';
}
function errorMessage(error) {
    return error instanceof Error ? error.message : String(error);
}

;// CONCATENATED MODULE: ./src/text.ts
/**
 * Text made safe to show: shared by the API client (server text in error
 * messages), redaction and the renderers. Pure.
 */
const HTML_ESCAPES = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;',
    // Markdown punctuation too: the summary is rendered as GitHub markdown, and
    // API text must never become a link, code span, emphasis or table cell split.
    '`': '&#96;',
    '|': '&#124;',
    '[': '&#91;',
    ']': '&#93;',
    '*': '&#42;',
    _: '&#95;',
    '~': '&#126;',
    '\\': '&#92;',
};
function escapeHtml(text) {
    return text.replace(/[&<>"'`|[\]*_~\\]/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}
/**
 * Every spelling of a line break that a terminal, a browser or the runner's
 * log may honour: LF, CR (and so CRLF), vertical tab, form feed, NEL, and
 * the Unicode line and paragraph separators; matched as a run of blanks
 * holding at least one of them (\s has no NEL, so it is added).
 */
const BREAK_RUN = /[\s\u0085]*[\n\r\v\f\u0085\u2028\u2029][\s\u0085]*/g;
/** Line breaks of every kind (and the blanks around them) as one space. */
function oneLine(text) {
    return text.replace(BREAK_RUN, ' ');
}
/**
 * A count with thousands separators, as toLocaleString('en-US') writes it
 * (1234567 -> "1,234,567"), without Intl: formatting one number through ICU
 * loads its locale data, about 7 MiB of memory for the rest of the run.
 */
function thousands(n) {
    const [whole = '', fraction] = String(n).split('.');
    const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
    return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}
/**
 * Text as one printable line: line breaks flattened, terminal escapes and
 * control characters stripped. Text that had only unprintable characters says
 * so instead of vanishing: a server's error of control characters is still an
 * error, and must not read as none.
 */
function printable(text) {
    const shown = stripControls(oneLine(text));
    if (shown.trim() !== '' || text === '')
        return shown;
    const count = text.length;
    return `(${thousands(count)} unprintable character${count === 1 ? '' : 's'})`;
}
/** Cuts long text at `max` characters, saying so, as one printable line (see printable). */
function clip(text, max) {
    const flat = printable(text);
    return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
/**
 * Server text without terminal escapes (ANSI colours, cursor moves, OSC
 * titles) or other control characters, Unicode direction overrides included:
 * in a log or an annotation they would restyle or hide what follows. Tabs and
 * line breaks stay (clip() flattens those where one line is needed).
 */
function stripControls(text) {
    return (text
        // CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \, or cut off), then any
        // other ESC sequence of two (ESC c resets the terminal); a lone ESC goes below.
        // eslint-disable-next-line no-control-regex -- matching control characters is the point
        .replace(/\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[0-~]/g, '')
        // eslint-disable-next-line no-control-regex -- as above
        .replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ''));
}
/**
 * Text for a value a later step reads: one printable line (see printable), at
 * most `max` characters in all, the note saying how much was cut included.
 */
function clipNoted(text, max) {
    const flat = printable(text);
    if (flat.length <= max)
        return flat;
    const note = (kept) => `… [${thousands(flat.length - kept)} more characters cut]`;
    // The note's length depends on how much it cuts: keep less until it fits.
    let kept = max;
    for (;;) {
        const fits = max - note(kept).length;
        if (fits < 1)
            return `${flat.slice(0, max - 1)}…`;
        if (fits >= kept)
            break;
        kept = fits;
    }
    return `${flat.slice(0, kept)}${note(kept)}`;
}
/**
 * Cuts a path-like name longer than `max` in the middle, keeping its start and
 * its own name (the last segment), which are what a reader recognises.
 */
function clipMiddle(name, max) {
    const flat = printable(name);
    if (flat.length <= max)
        return flat;
    const own = flat.slice(flat.lastIndexOf('/') + 1);
    if (own.length > 0 && own.length <= max - 12) {
        return `${flat.slice(0, max - own.length - 2)}…/${own}`;
    }
    const head = Math.ceil((max - 1) / 2);
    return `${flat.slice(0, head)}…${flat.slice(flat.length - (max - 1 - head))}`;
}

;// CONCATENATED MODULE: ./src/redact.ts
/**
 * Keeping the API key out of everything the action writes, in two layers:
 *
 * - createRedactor, at the sources: every text a server sends (bodies,
 *   status texts) is redacted where it is read, after decoding (JSON parsed,
 *   so `\u0026` is already `&`) and before it is re-encoded into a message,
 *   an output or the summary. Re-encoding escapes it again (twice, as JSON
 *   inside JSON), where no spelling list can follow it.
 * - createGuard, at the exit (main.ts: log lines, outputs, summary): the same
 *   spellings once more over the finished text, in case a source was missed.
 *
 * A key shorter than MIN_SECRET_LENGTH is a placeholder (a Milvus without
 * authentication still needs an api-key) or too short to find without
 * finding other words: "e" is in "completed", "0" in every number. Such a key
 * is removed only where it stands alone as a word in server text, and the
 * guard leaves the action's own words and numbers alone.
 *
 * The runner's own masking starts only after ::add-mask:: is processed and
 * never covers files, so this is the action's job.
 */

const REDACTED = '***';
/** Shorter keys are masked only as whole words, and only in server text (see above). */
const MIN_SECRET_LENGTH = 8;
const identity = (text) => text;
/**
 * JSON's escapes for the characters Go's encoder (and others) escape for HTML
 * safety (U+2028 and U+2029 too, but a key is visible ASCII: see inputs.ts).
 */
const JSON_HTML_SAFE = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026' };
/** The secret as it may stand in text: as is, URL-encoded, JSON-escaped (several ways), HTML-escaped. */
function spellings(secret) {
    const json = JSON.stringify(secret).slice(1, -1);
    const goJson = json.replace(/[<>&]/g, (ch) => JSON_HTML_SAFE[ch] ?? ch);
    return ([
        ...new Set([
            secret,
            encodeURIComponent(secret),
            json,
            goJson,
            goJson.replace(/\\u([0-9a-f]{4})/g, (_, hex) => `\\u${hex.toUpperCase()}`),
            // PHP and some Java encoders escape "/" too.
            json.replace(/\//g, '\\/'),
            goJson.replace(/\//g, '\\/'),
            escapeHtml(secret),
        ]),
    ]
        // Longest first, so a spelling that contains another is replaced whole.
        .sort((a, b) => b.length - a.length)
        .filter((spelling) => spelling !== ''));
}
function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
/** For server text, where it is read: see the module comment. */
function createRedactor(secret) {
    const all = spellings(secret);
    if (all.length === 0)
        return identity;
    const replace = secret.length >= MIN_SECRET_LENGTH
        ? (text) => all.reduce((out, spelling) => out.split(spelling).join(REDACTED), text)
        : wordReplacer(all);
    return (text) => {
        const out = replace(text);
        // A control character inside the key would hide it until the display strips
        // it: then the text is stripped here already, and redacted.
        const stripped = stripControls(out);
        const strippedOut = replace(stripped);
        return strippedOut === stripped ? out : strippedOut;
    };
}
/**
 * Replaces the spellings only where they stand as a word of their own: no
 * letter, digit or the punctuation of names, paths and times (_ - . / : +)
 * touches them, so "job-e", "file_0.parquet" and "06:17:55+08:00" keep theirs.
 */
function wordReplacer(all) {
    const inWord = '[\\p{L}\\p{N}_.\\-/:+]';
    const word = new RegExp(`(?<!${inWord})(?:${all.map(escapeRegExp).join('|')})(?!${inWord})`, 'gu');
    return (text) => text.replace(word, REDACTED);
}
/** For what the action writes, at the exit: see the module comment. */
function createGuard(secret) {
    return secret.length >= MIN_SECRET_LENGTH ? createRedactor(secret) : identity;
}
/**
 * The same redaction over every string inside a value, and over the key
 * names of a parsed JSON value (a server's); `keys: false` leaves the names
 * alone, for the action's own objects. Copy on write: an array or object in
 * which nothing changed is returned as it is, so checking 200 jobs of 1,000
 * files that hold no key copies none of them.
 */
function redactDeep(value, redact, keys = true) {
    if (typeof value === 'string')
        return redact(value);
    if (Array.isArray(value)) {
        const list = value;
        let copy;
        list.forEach((item, i) => {
            const done = redactDeep(item, redact, keys);
            if (done !== item)
                (copy ??= list.slice())[i] = done;
        });
        return copy ?? value;
    }
    if (value !== null && typeof value === 'object') {
        let changed = false;
        const entries = [];
        for (const [key, item] of Object.entries(value)) {
            const name = keys ? redact(key) : key;
            const done = redactDeep(item, redact, keys);
            changed ||= name !== key || done !== item;
            entries.push([name, done]);
        }
        return changed ? Object.fromEntries(entries) : value;
    }
    return value;
}

;// CONCATENATED MODULE: ./src/retry.ts
/** When to try again after a transient fault. Pure: randomness and "now" are passed in. */
const DEFAULT_BACKOFF = { baseMs: 1_000, maxMs: 60_000 };
/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random,
 * so concurrent jobs spread out yet never retry almost at once. A server's
 * Retry-After is a floor: we never come back earlier than it asked.
 *
 * @param attempt 1 for the first retry after a failure, 2 for the next, ...
 * @param random a number in [0, 1)
 */
function backoffDelay(attempt, policy, random, retryAfterMs) {
    const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
    const jittered = Math.round(step / 2 + random * (step / 2));
    return retryAfterMs === undefined ? jittered : Math.max(jittered, retryAfterMs);
}
/**
 * Retry-After in either form HTTP allows: delta-seconds or an HTTP-date.
 * Anything unparseable is ignored rather than trusted.
 */
function parseRetryAfter(value, nowMs) {
    if (value === undefined)
        return undefined;
    const text = value.trim();
    if (/^\d+$/.test(text)) {
        // Hundreds of digits are Infinity: a number past any deadline, never "Infinityh".
        const ms = Number(text) * 1_000;
        return Number.isFinite(ms) ? ms : Number.MAX_SAFE_INTEGER;
    }
    // Every HTTP-date form has a time of day; Date.parse alone takes "1.5" or "in 10".
    if (!/\d\d:\d\d:\d\d/.test(text))
        return undefined;
    const date = Date.parse(text);
    if (Number.isNaN(date))
        return undefined;
    return Math.max(0, date - nowMs);
}

;// CONCATENATED MODULE: ./src/api/faults.ts



/** Certificate checks that failed: retrying cannot fix them, a CA bundle or the host name can. */
const TLS_VERIFY_CODES = new Set([
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'CERT_REVOKED',
    'CERT_UNTRUSTED',
    'CERT_REJECTED',
    'CERT_SIGNATURE_FAILURE',
    'CERT_CHAIN_TOO_LONG',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
    'INVALID_CA',
    'INVALID_PURPOSE',
    'HOSTNAME_MISMATCH',
    'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const certificateRefused = (code) => code !== undefined && TLS_VERIFY_CODES.has(code);
/** OpenSSL's words for "the other side does not speak TLS" (plain HTTP on an https:// URL). */
const NOT_TLS = /wrong version number|packet length too long|http request/i;
const CA_HINT = 'If a corporate CA or a TLS-inspecting proxy signs your traffic, point NODE_EXTRA_CA_CERTS at its ' +
    'certificate (a PEM file) in the step\'s env; otherwise check the "region" or "endpoint" input';
function errorCode(error) {
    const code = error?.code;
    return typeof code === 'string' ? code : undefined;
}
/**
 * A Node error in one line: its code and the first line of its message, with
 * OpenSSL's "80EC...:error:0A00010B:SSL routines:fn:reason:file:line" cut down
 * to the reason. Line breaks would show as %0A in annotations.
 */
function describeSystemError(error) {
    const firstLine = errorMessage(error).split(/\r?\n/)[0] ?? '';
    const openssl = /:?error:[0-9A-F]+:[^:]*:[^:]*:([^:]+)/.exec(firstLine);
    const text = clip(openssl?.[1] ?? firstLine, 200);
    const code = errorCode(error);
    return code === undefined || text.startsWith(code) ? text : `${code}: ${text}`;
}
/** Header bytes read from an answer: gateways send big cookies and policies (Node's default is 16 KiB). */
const MAX_HEADER_BYTES = 128 * 1024;
/**
 * The alert name in Node's code for a TLS alert the other side sent, e.g.
 * "CERTIFICATE_REQUIRED" (OpenSSL names the SNI alert without _ALERT_).
 * "internal error" is left out: it is not about the peer or the protocol,
 * and load balancers send it for passing trouble.
 */
function tlsAlert(code) {
    if (code === 'ERR_SSL_TLSV1_UNRECOGNIZED_NAME')
        return 'UNRECOGNIZED_NAME';
    const alert = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_([A-Z_]+)$/.exec(code ?? '')?.[1];
    return alert === 'INTERNAL_ERROR' ? undefined : alert;
}
/** Alerts with which a server refuses the client certificate it was given. */
const CLIENT_CERT_REFUSED = new Set([
    'BAD_CERTIFICATE',
    'UNSUPPORTED_CERTIFICATE',
    'CERTIFICATE_REVOKED',
    'CERTIFICATE_EXPIRED',
    'CERTIFICATE_UNKNOWN',
    'UNKNOWN_CA',
    'ACCESS_DENIED',
    'DECRYPT_ERROR',
]);
const CLIENT_CERT_INPUTS = 'the "client-cert" and "client-key" inputs';
/**
 * What a TLS alert from the server means, as a permanent error: the server
 * decided, and asking again gets the same answer. Servers that require mutual
 * TLS (self-hosted Milvus with tlsMode 2, mTLS gateways) say so this way.
 */
function tlsAlertFault(alert, host, withClientCert) {
    const said = `TLS alert "${alert.toLowerCase().replace(/_/g, ' ')}"`;
    if (alert === 'CERTIFICATE_REQUIRED') {
        return new PermanentError(withClientCert
            ? `${host} requires a client certificate and did not get one it takes (${said}): check ${CLIENT_CERT_INPUTS}`
            : `${host} requires a client certificate (mutual TLS; ${said}): pass it in ${CLIENT_CERT_INPUTS}`);
    }
    if (alert === 'HANDSHAKE_FAILURE') {
        return new PermanentError(`${host} refused the TLS handshake (${said}): ` +
            (withClientCert
                ? `check ${CLIENT_CERT_INPUTS}`
                : `it may require a client certificate (${CLIENT_CERT_INPUTS}), or TLS settings this runner does not offer`));
    }
    if (alert === 'UNRECOGNIZED_NAME') {
        return new PermanentError(`${host} does not serve that host name (${said}): check the "region" or "endpoint" input`);
    }
    if (withClientCert && CLIENT_CERT_REFUSED.has(alert)) {
        return new PermanentError(`${host} refused the client certificate (${said}): check that "client-cert" is current, ` +
            'signed by a CA the server trusts, and matches "client-key"');
    }
    return new PermanentError(`${host} ended the TLS session with ${said}`);
}
/**
 * A failed request as a verdict. `withClientCert`: whether a client
 * certificate was offered (it changes what a TLS alert means).
 */
function networkFault(error, url, withClientCert = false) {
    const code = errorCode(error);
    const detail = describeSystemError(error);
    const alert = tlsAlert(code);
    if (alert !== undefined)
        return tlsAlertFault(alert, url.host, withClientCert);
    // Node's HTTP parser refused the answer: the same bytes come back on a retry.
    if (code === 'HPE_HEADER_OVERFLOW') {
        return new PermanentError(`the answer from ${url.host} has more than ${MAX_HEADER_BYTES / 1024} KiB of headers (${code}), ` +
            'more than this action reads: a gateway in front of the API sends too many or too large headers (cookies?)');
    }
    if (code?.startsWith('HPE_') === true) {
        return new PermanentError(`the answer from ${url.host} is not valid HTTP (${detail}): a gateway or proxy on the way may be mangling it`);
    }
    if (code === 'ENOTFOUND') {
        return new PermanentError(`cannot resolve ${url.hostname} (${detail}); check the "region" or "endpoint" input`);
    }
    if (certificateRefused(code)) {
        return new PermanentError(`the TLS certificate of ${url.host} was not accepted (${detail}). ${CA_HINT}`);
    }
    if ((code === 'EPROTO' || code?.startsWith('ERR_SSL_') === true) && NOT_TLS.test(detail)) {
        return new PermanentError(`${url.host} did not answer in TLS, as if it spoke plain HTTP (${code}): the endpoint's scheme or port ` +
            'is wrong; use http:// for a plain-HTTP port, or the port that serves https://');
    }
    // Node's TLS servers (and some gateways) refuse a client certificate by closing, without an alert.
    const certHint = withClientCert && code === 'ECONNRESET'
        ? '; a client certificate was offered, and a server that does not accept it may close the connection like this'
        : '';
    return new TransientError(`network error talking to ${url.host} (${detail})${certHint}`);
}
/** Why the proxy named by https_proxy could not be reached (`name` is its host:port). */
function proxyConnectFault(error, name) {
    const code = errorCode(error);
    const message = `cannot connect to the proxy ${name} set by https_proxy (${describeSystemError(error)})`;
    if (tlsAlert(code) !== undefined)
        return new PermanentError(message);
    // A proxy host that does not resolve is a typo in the variable, not a blip.
    if (code === 'ENOTFOUND')
        return new PermanentError(`${message}; check the https_proxy variable`);
    if (certificateRefused(code)) {
        return new PermanentError(`${message}: its TLS certificate was not accepted. If a corporate CA signs it, point ` +
            "NODE_EXTRA_CA_CERTS at that CA's certificate (a PEM file) in the step's env");
    }
    return new TransientError(message);
}
/** Headers that identify a request to the server's operators, quoted so a support ticket can cite them. */
const REQUEST_ID_HEADER = /(^|-)(request-?id|trace-?id)$/i;
/** " (request ID abc-123)" when the answer carries one, else "". */
function requestIdNote(headers) {
    for (const [name, value] of Object.entries(headers)) {
        if (!REQUEST_ID_HEADER.test(name))
            continue;
        const id = (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
        // IDs are tokens; anything else is not worth quoting (and must not carry control characters).
        if (/^[\w.:/=+-]{1,128}$/.test(id))
            return ` (${name}: ${id})`;
    }
    return '';
}
/**
 * The verdict on an HTTP status: undefined for 2xx, else the error to throw.
 * `detail` is what the body said, already made safe to show.
 */
function statusFault(response, url, nowMs, detail) {
    const { status } = response;
    if (status >= 200 && status < 300)
        return undefined;
    const said = detail === '' ? '' : `: ${detail}`;
    const what = `HTTP ${status}${response.statusText ? ` ${clip(response.statusText, 80)}` : ''} from ${url.host}` +
        `${requestIdNote(response.headers)}${said}`;
    if (status >= 300 && status < 400) {
        const location = headerValue(response.headers.location);
        let target = 'elsewhere';
        try {
            if (location !== undefined)
                target = new URL(location, url).host;
        }
        catch {
            // keep "elsewhere": the Location header is not worth quoting if it is not a URL
        }
        return new PermanentError(`${what} (a redirect to ${target}). Redirects are not followed, so the API key is sent ` +
            `only to the host you configured; set "endpoint" to the address the API really lives at`);
    }
    if (status === 408 || status === 429 || status >= 500) {
        return new TransientError(what, {
            answered: `HTTP ${status}`,
            retryAfterMs: parseRetryAfter(headerValue(response.headers['retry-after']), nowMs),
        });
    }
    return new PermanentError(`${what}${STATUS_HINTS[status] ?? ''}`);
}
const STATUS_HINTS = {
    400: '. The request was refused as malformed: check "job-id" and "cluster-id"',
    401: '. The API key was refused: check the "api-key" secret',
    403: '. The API key may not access this cluster: check "api-key" and "cluster-id"',
    404: '. Nothing answers at this address: check "region" (or "endpoint")',
};
function headerValue(value) {
    return Array.isArray(value) ? value[0] : value;
}

;// CONCATENATED MODULE: ./src/api/read.ts
/** Real answers nest 4 levels ({data: {details: [{...}]}}); anything this deep is not one. */
const MAX_JSON_DEPTH = 32;
function isRecord(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
}
/**
 * How deeply JSON text nests, counted without recursion (so without a stack
 * to overflow), stopping as soon as it passes `limit`.
 */
function jsonDepthExceeds(text, limit) {
    let depth = 0;
    let inString = false;
    let escaped = false;
    for (let i = 0; i < text.length; i++) {
        const ch = text.charCodeAt(i);
        if (inString) {
            if (escaped)
                escaped = false;
            else if (ch === 0x5c)
                escaped = true;
            else if (ch === 0x22)
                inString = false;
        }
        else if (ch === 0x22)
            inString = true;
        else if (ch === 0x7b || ch === 0x5b) {
            depth += 1;
            if (depth > limit)
                return true;
        }
        else if (ch === 0x7d || ch === 0x5d)
            depth -= 1;
    }
    return false;
}
/** Text for messages, or undefined for null, absent or blank. Non-strings are shown as JSON. */
function readText(value) {
    if (value === null || value === undefined)
        return undefined;
    const text = (typeof value === 'string' ? value : JSON.stringify(value)).trim();
    return text === '' ? undefined : text;
}
/** A text field: a string, or null/absent/"" for none; anything else is a shape error. */
function readString(value, field, fail) {
    if (value === null || value === undefined)
        return undefined;
    if (typeof value !== 'string')
        throw fail(`"${field}" to be text or null`);
    const text = value.trim();
    return text === '' ? undefined : text;
}
/**
 * Text read as sent, for fields whose words decide something (a state, an
 * error): only null, absent and "" are none; nothing is trimmed or stripped,
 * so "Completed\u0000" is not Completed and an error of blanks is an error.
 */
function readExact(value, field, fail) {
    if (value === null || value === undefined || value === '')
        return undefined;
    if (typeof value !== 'string')
        throw fail(`"${field}" to be text or null`);
    return value;
}
/** A plain decimal number as text: what int64 and float fields can arrive as. No hex, binary or Infinity. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/**
 * A finite number, or a plain decimal string; undefined when absent; else a
 * shape error. (Number() ignores the surrounding whitespace that trim() does.)
 */
function readNumber(value, field, fail, expected = 'a number') {
    if (value === null || value === undefined)
        return undefined;
    const number = typeof value === 'number'
        ? value
        : typeof value === 'string' && DECIMAL.test(value.trim())
            ? Number(value)
            : Number.NaN;
    if (!Number.isFinite(number))
        throw fail(`"${field}" to be ${expected}`);
    return number;
}
/**
 * A number within [min, max]; float noise just outside (1.0000000001) is
 * pulled in, anything further out is a shape error, never clamped into a
 * plausible value (50 as a fraction is not "done").
 */
function readInRange(value, field, fail, min, max) {
    const expected = `a number from ${min} to ${max}`;
    const number = readNumber(value, field, fail, expected);
    if (number === undefined)
        return undefined;
    const slack = (max - min) * 1e-9;
    if (number < min - slack || number > max + slack)
        throw fail(`"${field}" to be ${expected}`);
    return Math.min(max, Math.max(min, number));
}
/** Sizes and row counts: whole numbers from 0 to 2^53 - 1, as numbers or digit strings. */
function readCount(value, field, fail) {
    if (value === null || value === undefined)
        return undefined;
    const number = typeof value === 'number'
        ? value
        : typeof value === 'string' && /^\d+$/.test(value.trim())
            ? Number(value)
            : Number.NaN;
    if (!Number.isSafeInteger(number) || number < 0) {
        throw fail(`"${field}" to be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`);
    }
    return number;
}
/** A response code: a whole number, or its digits as text; undefined for anything else. */
function readCode(value) {
    if (typeof value === 'number')
        return Number.isSafeInteger(value) ? value : undefined;
    if (typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim()))
        return Number(value);
    return undefined;
}
/** The details array: absent means no files; anything but an array of objects is a shape error. */
function readDetails(value, fail) {
    const details = value ?? [];
    if (!Array.isArray(details))
        throw fail('"details" to be an array');
    return details.map((entry, index) => {
        if (!isRecord(entry))
            throw fail(`"details[${index}]" to be an object`);
        return entry;
    });
}
/** Sets the optional fields that have a value, so absent ones stay absent (not undefined-valued). */
function withOptional(target, fields) {
    for (const [key, value] of Object.entries(fields)) {
        if (value !== undefined)
            target[key] = value;
    }
    return target;
}
/** Times seen recently, each kept once: see sharedTime. */
const recentTimes = new Map();
const RECENT_TIMES_MAX = 1_024;
/**
 * One string per distinct completion time: the files of a job (and the jobs
 * of a run) mostly share a few, and a run of 200 jobs x 1,000 files would
 * otherwise hold 200,000 copies of them. Bounded: forgotten 1,024 at a time.
 */
function sharedTime(time) {
    if (time === undefined)
        return undefined;
    const known = recentTimes.get(time);
    if (known !== undefined)
        return known;
    if (recentTimes.size >= RECENT_TIMES_MAX)
        recentTimes.clear();
    recentTimes.set(time, time);
    return time;
}

;// CONCATENATED MODULE: ./src/api/client.ts






/** A byte-order mark is not JSON, but some gateways prepend one. */
function withoutBom(body) {
    return body.startsWith('\uFEFF') ? body.slice(1) : body;
}
/**
 * Whether a refusal says the server has no such call, as opposed to no such
 * job, collection or database: code 404, a bare "Not Found", or a missing
 * API, route, path or method. A text about the job is about the job.
 */
function saysNoSuchCall(code, message) {
    if (code === 404)
        return true;
    if (/\bjob(_?id)?\b/i.test(message))
        return false;
    if (/^(404 )?(page )?not found\.?$/i.test(message))
        return true;
    return (/\b(api|route|path|url|endpoint|method)\b/i.test(message) &&
        /not found|no such|unknown|does not exist/i.test(message));
}
class ImportApiClient {
    dialect;
    options;
    /** Removes the key from server text (control characters are stripped where text is shown). */
    redact;
    /**
     * Where in dialect.paths polls start: past every path that answered 404.
     * Concurrent polls share it, and it only ever grows (Math.max), so their
     * answers can land in any order and never send anyone back to a dead path.
     */
    firstPath = 0;
    constructor(dialect, options) {
        this.dialect = dialect;
        this.options = options;
        this.redact = options.redact;
    }
    async fetchJob(jobId, request) {
        const { clock } = this.options;
        // One poll, one time budget: a second path after a 404 gets what is left, not a fresh one.
        const startedAt = clock.now();
        const { paths } = this.dialect;
        for (let pathIndex = this.firstPath;;) {
            const call = this.dialect.request(jobId, paths[pathIndex] ?? '');
            const timeoutMs = request.timeoutMs - (clock.now() - startedAt);
            if (timeoutMs <= 0) {
                throw new TransientError(`no answer for job ${jobId} within ${request.timeoutMs / 1000} s (${call.url.pathname} was next)`);
            }
            const response = await this.send(call, request.signal, timeoutMs);
            if (response.status === 404 && pathIndex + 1 < paths.length) {
                pathIndex += 1;
                this.firstPath = Math.max(this.firstPath, pathIndex);
                continue;
            }
            this.throwIfFault(response, call.url);
            return this.interpret(jobId, response.body, response.headers, clock.now());
        }
    }
    /**
     * Commits or aborts one job: the same request as a read (clusterId, DB-Name)
     * on the write's path, sent once. Transient faults throw TransientError (the
     * caller may send it again: the server takes a repeated commit as the same
     * one); a refusal is an answer, not an error.
     */
    async writeJob(call, jobId, request) {
        const path = this.dialect.writePaths?.[call];
        if (path === undefined) {
            throw new PermanentError(`the ${this.dialect.format} has no ${call} call`);
        }
        const sent = this.dialect.request(jobId, path);
        const response = await this.send(sent, request.signal, request.timeoutMs);
        const { clock } = this.options;
        if (response.status === 404) {
            return { kind: 'unsupported', said: `HTTP 404: ${this.describeErrorBody(response.body)}` };
        }
        this.throwIfFault(response, sent.url);
        const body = withoutBom(response.body);
        const parsed = this.parseRedacted(body);
        const code = isRecord(parsed) ? readCode(parsed.code) : undefined;
        if (!isRecord(parsed) || code === undefined) {
            // Cut off or garbled: whether the server acted is unknown, so the call is
            // sent again (a repeated commit or abort is the same one).
            throw new TransientError(`the answer to the ${call} of job ${jobId} was not a {code} object: ${this.excerpt(body)}`, { answered: `HTTP ${response.status}` });
        }
        const message = clip(readText(parsed.message) ?? '', 300);
        const said = `HTTP ${response.status}, code ${code}${message === '' ? '' : ` ${JSON.stringify(message)}`}`;
        if (this.dialect.successCodes.includes(code))
            return { kind: 'done', said };
        if (this.dialect.transientCodes.includes(code)) {
            throw new TransientError(`${this.dialect.product} asked to slow down: ${said}`, {
                answered: `code ${code}`,
                retryAfterMs: parseRetryAfter(headerValue(response.headers['retry-after']), clock.now()),
            });
        }
        // A gateway without the route may say so in a 200 body ("Not Found", code
        // 404); a text about the job ("job not found") is a refusal for that job.
        if (saysNoSuchCall(code, message))
            return { kind: 'unsupported', said };
        return { kind: 'refused', said };
    }
    /**
     * One page of the import jobs list. Throws ListUnsupportedError when the
     * server has no usable list (the caller describes each job instead),
     * PermanentError for a refusal (a bad key, an unknown collection), and
     * TransientError for what may pass, as a describe does.
     */
    async listJobs(query, request) {
        const { list, format, product, successCodes, transientCodes } = this.dialect;
        if (list === undefined)
            throw new ListUnsupportedError(`the ${format} has no list call`);
        const call = list.request(query);
        const response = await this.send(call, request.signal, request.timeoutMs);
        if (response.status === 404 || response.status === 405) {
            throw new ListUnsupportedError(`${call.url.pathname} answered HTTP ${response.status}: ${this.describeErrorBody(response.body)}`);
        }
        this.throwIfFault(response, call.url);
        const body = withoutBom(response.body);
        const requestId = this.redact(requestIdNote(response.headers));
        const fail = (expected) => new ListUnsupportedError(`the list answer${requestId} is not in ${format} (expected ${expected}): ${this.excerpt(body)}`);
        const parsed = this.parseRedacted(body);
        if (parsed === undefined) {
            if (jsonDepthExceeds(body, MAX_JSON_DEPTH))
                throw fail(`JSON nested at most ${MAX_JSON_DEPTH} levels deep`);
            throw new TransientError(`the list answer was not JSON: ${this.excerpt(body)}`, {
                answered: 'answers that were not JSON',
            });
        }
        if (!isRecord(parsed))
            throw fail('a JSON object');
        const code = readCode(parsed.code);
        const hasData = parsed.data !== undefined && parsed.data !== null;
        if ((!hasData && readText(parsed.message) !== undefined) ||
            (code !== undefined && !successCodes.includes(code))) {
            const message = clip(readText(parsed.message) ?? '', 300);
            const said = `code ${clip(readText(parsed.code) ?? '?', 40)}${requestId}${message ? `, ${JSON.stringify(message)}` : ''}`;
            if (code !== undefined && transientCodes.includes(code)) {
                throw new TransientError(`${product} asked to slow down the list: ${said}`, {
                    answered: `code ${code}`,
                    retryAfterMs: parseRetryAfter(headerValue(response.headers['retry-after']), this.options.clock.now()),
                });
            }
            if (saysNoSuchCall(code ?? Number.NaN, message)) {
                throw new ListUnsupportedError(`${call.url.pathname} is not known there: ${said}`);
            }
            throw new PermanentError(`${product} refused to list the import jobs: ${said}. ${this.dialect.hint(code ?? Number.NaN, message)}`);
        }
        if (code === undefined)
            throw fail('"code" to be a whole number');
        if (!isRecord(parsed.data))
            throw fail('a "data" object with "records"');
        // Job IDs, names and reasons are server text: redacted before they are shown or sent back.
        return redactDeep(list.mapPage(parsed.data, query, fail), this.redact);
    }
    /** One request with the key, its raw answer logged lazily at debug level. */
    async send(call, signal, timeoutMs) {
        let response;
        try {
            response = await this.options.transport.send({
                ...call,
                headers: {
                    ...call.headers,
                    authorization: `Bearer ${this.options.apiKey}`,
                    accept: 'application/json',
                },
                signal,
                timeoutMs,
            });
        }
        catch (error) {
            // Its words may quote the server (a status text, an encoding's name).
            throw this.redactFault(error);
        }
        this.options.debug?.(() => {
            const sent = call.body === undefined ? '' : ` ${call.body}`;
            return `${call.method} ${call.url.pathname}${call.url.search}${sent} -> HTTP ${response.status}: ${this.safeBody(response.body)}`;
        });
        return response;
    }
    /** A status that is not 2xx as its fault; the status text, a request ID and a redirect's host are server text too. */
    throwIfFault(response, url) {
        const fault = statusFault(response, url, this.options.clock.now(), this.describeErrorBody(response.body));
        if (fault)
            throw this.redactFault(fault);
    }
    /** A fault with the key removed from its message, of the same kind and with the same details. */
    redactFault(error) {
        if (error instanceof PermanentError)
            return new PermanentError(this.redact(error.message));
        if (error instanceof TransientError) {
            return new TransientError(this.redact(error.message), {
                retryAfterMs: error.retryAfterMs,
                answered: error.answered,
            });
        }
        return error;
    }
    /** What a non-2xx body says, for the error message: its {code, message}, or an excerpt. */
    describeErrorBody(body) {
        const parsed = this.parseRedacted(body);
        if (isRecord(parsed)) {
            const code = readText(parsed.code);
            const message = readText(parsed.message);
            const said = [
                code === undefined ? undefined : `code ${clip(code, 40)}`,
                message === undefined ? undefined : JSON.stringify(clip(message, 300)),
            ].filter((part) => part !== undefined);
            if (said.length > 0)
                return said.join(', ');
        }
        return this.excerpt(body);
    }
    /**
     * A body parsed, with the key removed from every string in it after JSON
     * decoding (a gateway may spell "&" as \u0026): undefined if it is not JSON.
     */
    parseRedacted(body) {
        // Checked first: the walk below recurses, and JSON.parse takes any depth.
        if (jsonDepthExceeds(body, MAX_JSON_DEPTH))
            return undefined;
        let parsed;
        try {
            parsed = JSON.parse(body);
        }
        catch {
            return undefined;
        }
        return redactDeep(parsed, this.redact);
    }
    /** A body to quote: JSON decoded, redacted and encoded again; anything else redacted as it is. */
    safeBody(body) {
        const parsed = this.parseRedacted(body);
        return parsed === undefined ? this.redact(body) : JSON.stringify(parsed);
    }
    excerpt(body) {
        const text = body.trim();
        return text === '' ? 'an empty body' : JSON.stringify(clip(this.safeBody(text), 200));
    }
    interpret(jobId, rawBody, headers, nowMs) {
        const body = withoutBom(rawBody);
        const requestId = this.redact(requestIdNote(headers));
        const fail = (expected) => new PermanentError(`the answer for job ${jobId}${requestId} is not in ${this.dialect.format} (expected ${expected}): ${this.excerpt(body)}`);
        // Checked before parsing: everything after (redaction, mapping) walks the value.
        if (jsonDepthExceeds(body, MAX_JSON_DEPTH)) {
            throw fail(`JSON nested at most ${MAX_JSON_DEPTH} levels deep`);
        }
        let parsed;
        try {
            parsed = JSON.parse(body);
        }
        catch {
            // A gateway's HTML error page or a cut-off body: the next poll may be fine.
            throw new TransientError(`the answer for job ${jobId} was not JSON: ${this.excerpt(body)}`, {
                answered: 'answers that were not JSON',
            });
        }
        // Decisions read the answer as sent (a state "Completed\u0000" is not
        // Completed); what is quoted is redacted first, and stripped where shown.
        if (!isRecord(parsed))
            throw fail('a JSON object');
        const hasData = parsed.data !== undefined && parsed.data !== null;
        const refusal = (code) => this.refusal(jobId, code, parsed.code, parsed.message, requestId, headers, nowMs);
        // An error envelope: {code, message} and no data. v1's own example of a bad
        // key is {"code": 200, "message": "The token is illegal."}: success code, still a refusal.
        if (!hasData && readText(parsed.message) !== undefined)
            throw refusal(readCode(parsed.code));
        if (parsed.code === undefined)
            throw fail('a "code" field');
        const code = readCode(parsed.code);
        if (code === undefined)
            throw fail('"code" to be a whole number');
        if (!this.dialect.successCodes.includes(code))
            throw refusal(code);
        if (!isRecord(parsed.data))
            throw fail('a "data" object');
        // Every text the job carries from here on is redacted: it is shown, output
        // and summarised. The job ID is the user's own input, not server text.
        const job = redactDeep(this.dialect.mapData(jobId, parsed.data, fail), this.redact);
        return { ...job, jobId };
    }
    /**
     * The server said no in its body. Its code and message are redacted before
     * anything encodes them (a non-text code is shown as JSON).
     */
    refusal(jobId, code, rawCode, message, requestId, headers, nowMs) {
        const text = clip(readText(redactDeep(message, this.redact)) ?? '', 300);
        const codeText = clip(readText(redactDeep(rawCode, this.redact)) ?? '?', 40);
        const said = `code ${codeText}${requestId}${text ? `, ${JSON.stringify(text)}` : ''}`;
        if (code !== undefined && this.dialect.transientCodes.includes(code)) {
            // Milvus's limiter answers HTTP 200 with code 1807, and may say when to come back.
            return new TransientError(`${this.dialect.product} asked to slow down for job ${jobId}: ${said}`, {
                answered: `code ${code}`,
                retryAfterMs: parseRetryAfter(headerValue(headers['retry-after']), nowMs),
            });
        }
        return new PermanentError(`${this.dialect.product} refused the request for job ${jobId}: ${said}. ${this.dialect.hint(code ?? Number.NaN, text)}`);
    }
}

;// CONCATENATED MODULE: external "node:http"
const external_node_http_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");
;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
;// CONCATENATED MODULE: external "node:events"
const external_node_events_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");
;// CONCATENATED MODULE: external "node:net"
const external_node_net_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");
;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/proxy.js
function getProxyUrl(reqUrl) {
    const usingSsl = reqUrl.protocol === 'https:';
    if (checkBypass(reqUrl)) {
        return undefined;
    }
    const proxyVar = (() => {
        if (usingSsl) {
            return process.env['https_proxy'] || process.env['HTTPS_PROXY'];
        }
        else {
            return process.env['http_proxy'] || process.env['HTTP_PROXY'];
        }
    })();
    if (proxyVar) {
        try {
            return new DecodedURL(proxyVar);
        }
        catch (_a) {
            if (!proxyVar.startsWith('http://') && !proxyVar.startsWith('https://'))
                return new DecodedURL(`http://${proxyVar}`);
        }
    }
    else {
        return undefined;
    }
}
function checkBypass(reqUrl) {
    if (!reqUrl.hostname) {
        return false;
    }
    const reqHost = reqUrl.hostname;
    if (isLoopbackAddress(reqHost)) {
        return true;
    }
    const noProxy = process.env['no_proxy'] || process.env['NO_PROXY'] || '';
    if (!noProxy) {
        return false;
    }
    // Determine the request port
    let reqPort;
    if (reqUrl.port) {
        reqPort = Number(reqUrl.port);
    }
    else if (reqUrl.protocol === 'http:') {
        reqPort = 80;
    }
    else if (reqUrl.protocol === 'https:') {
        reqPort = 443;
    }
    // Format the request hostname and hostname with port
    const upperReqHosts = [reqUrl.hostname.toUpperCase()];
    if (typeof reqPort === 'number') {
        upperReqHosts.push(`${upperReqHosts[0]}:${reqPort}`);
    }
    // Compare request host against noproxy
    for (const upperNoProxyItem of noProxy
        .split(',')
        .map(x => x.trim().toUpperCase())
        .filter(x => x)) {
        if (upperNoProxyItem === '*' ||
            upperReqHosts.some(x => x === upperNoProxyItem ||
                x.endsWith(`.${upperNoProxyItem}`) ||
                (upperNoProxyItem.startsWith('.') &&
                    x.endsWith(`${upperNoProxyItem}`)))) {
            return true;
        }
    }
    return false;
}
function isLoopbackAddress(host) {
    const hostLower = host.toLowerCase();
    return (hostLower === 'localhost' ||
        hostLower.startsWith('127.') ||
        hostLower.startsWith('[::1]') ||
        hostLower.startsWith('[0:0:0:0:0:0:0:1]'));
}
class DecodedURL extends URL {
    constructor(url, base) {
        super(url, base);
        this._decodedUsername = decodeURIComponent(super.username);
        this._decodedPassword = decodeURIComponent(super.password);
    }
    get username() {
        return this._decodedUsername;
    }
    get password() {
        return this._decodedPassword;
    }
}
//# sourceMappingURL=proxy.js.map
;// CONCATENATED MODULE: ./src/api/url.ts
/** Where a request goes: the API's path under the base URL. Pure. */
/**
 * The base URL with `path` appended to its own path (a reverse proxy may mount
 * the API under a prefix), never doubling the slash between them.
 */
function apiUrl(baseUrl, path) {
    const url = new URL(baseUrl.href);
    url.pathname = `${baseUrl.pathname.replace(/\/+$/, '')}${path}`;
    return url;
}
/**
 * The host name as a socket wants it: an IPv6 literal without the brackets
 * a URL keeps around it ("[::1]" is "::1"). A URL's host name holds brackets
 * only around an IPv6 literal, so the first character tells.
 */
function socketHost(url) {
    return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

;// CONCATENATED MODULE: ./src/api/proxy.ts
/**
 * Reaching an https:// API through a forward proxy: which proxy (the
 * https_proxy and no_proxy rules of @actions/http-client), and the CONNECT
 * tunnel, done here rather than by an agent so that every stage can be cut off
 * and every failure names the proxy, not the API host. The API key travels
 * only inside the TLS session with the API host; the proxy sees the host name.
 */







/** A proxy answer head larger than this is not an HTTP answer to CONNECT (a real one is a few lines). */
const MAX_HEAD_BYTES = 16 * 1024;
/**
 * The proxy for an https:// URL from https_proxy / HTTPS_PROXY, or undefined
 * when none is set or no_proxy (or loopback) bypasses it. Plain http:// is
 * allowed only to loopback, which is never proxied.
 */
function proxyFromEnv(url) {
    if (url.protocol !== 'https:')
        return undefined;
    // The variable getProxyUrl reads (https_proxy wins over HTTPS_PROXY), named in errors.
    const name = ['https_proxy', 'HTTPS_PROXY'].find((v) => (process.env[v] ?? '') !== '');
    if (name === undefined || checkBypass(url))
        return undefined;
    // Never the value in a message: it may hold a password.
    const invalid = new PermanentError(`The ${name} environment variable is set but is not a valid URL, so no request was sent. ` +
        'Expected http://[user:password@]host:port, with a port from 1 to 65535 and characters such as ' +
        '# / @ : % in the user or password percent-encoded (# is %23).');
    let text;
    try {
        // What the index's getProxyUrl(href) gives, from the proxy module itself:
        // the index would bundle HttpClient and tunnel (build/README.md).
        text = getProxyUrl(url)?.href ?? '';
    }
    catch {
        // A value without a scheme that is not a URL even with http:// in front ("user%:pw@host").
        throw invalid;
    }
    // getProxyUrl gives "" for a value it cannot parse (connecting directly then
    // would quietly bypass an egress policy): "http://" fails to parse below.
    let proxy;
    try {
        // "proxy.corp:3128" parses as a URL of scheme "proxy.corp:"; curl and the
        // rest of the runner's tooling read a proxy without a scheme as http://.
        // (getProxyUrl gives a parsed URL's href, so the scheme is in lower case.)
        proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//.test(text) ? text : `http://${text}`);
    }
    catch {
        // Not a URL even with http:// in front (a port such as 31x8 or 312800).
        throw invalid;
    }
    if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
        throw new PermanentError(`The ${name} environment variable is not an http:// or https:// URL such as http://proxy.example:3128.`);
    }
    return proxy;
}
/** host:port of the proxy, never its credentials. */
function proxyName(proxy) {
    return `${proxy.hostname}:${proxy.port || (proxy.protocol === 'https:' ? '443' : '80')}`;
}
/**
 * Opens a CONNECT tunnel to `target` through `proxy` and a TLS session with
 * `target` over it. Every socket it makes is added to `held`, so the caller can
 * destroy them at any stage; `stage` says where it is.
 */
async function tunnelTo(target, proxy, held, stage, 
/** node:tls, loaded by the caller before anything is opened (tls-modules.ts). */
tls, clientCert) {
    const name = proxyName(proxy);
    const hostname = socketHost(target);
    const address = `${target.hostname}:${target.port || '443'}`;
    stage.peer = `the proxy ${name}`;
    stage.doing = 'connecting to it';
    const proxyHost = socketHost(proxy);
    const socket = proxy.protocol === 'https:'
        ? tls.connect({
            host: proxyHost,
            port: Number(proxy.port || 443),
            servername: external_node_net_namespaceObject.isIP(proxyHost) ? undefined : proxyHost,
        })
        : external_node_net_namespaceObject.connect({ host: proxyHost, port: Number(proxy.port || 80) });
    held.add(socket);
    try {
        // A failure rejects (once() listens for 'error'); the deadline covers a socket that just closes.
        await (0,external_node_events_namespaceObject.once)(socket, proxy.protocol === 'https:' ? 'secureConnect' : 'connect');
    }
    catch (error) {
        throw proxyConnectFault(error, name);
    }
    stage.doing = `waiting for it to open a tunnel to ${address}`;
    socket.write(connectRequest(address, proxy));
    const head = await readHead(socket, name);
    if (Math.trunc(head.status / 100) !== 2)
        throw refusedTunnel(head, name, address, proxy);
    stage.peer = target.host;
    stage.doing = 'in the TLS handshake';
    const secure = tls.connect({
        socket,
        servername: external_node_net_namespaceObject.isIP(hostname) ? undefined : hostname,
        ...clientCert,
    });
    held.add(secure);
    try {
        await (0,external_node_events_namespaceObject.once)(secure, 'secureConnect');
    }
    catch (error) {
        // The API host's certificate or its TLS alerts are the host's; a tunnel
        // that just closes was closed by the proxy (or by the host through it).
        const code = errorCode(error);
        if (certificateRefused(code) || code?.startsWith('ERR_SSL_') === true)
            throw error;
        throw new TransientError(`the proxy ${name} opened a tunnel to ${address}, but the tunnel closed before the TLS ` +
            `handshake with ${target.host} finished (${describeSystemError(error)})`);
    }
    return secure;
}
function connectRequest(address, proxy) {
    const lines = [`CONNECT ${address} HTTP/1.1`, `Host: ${address}`];
    if (proxy.username !== '' || proxy.password !== '') {
        const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
        lines.push(`Proxy-Authorization: Basic ${Buffer.from(credentials).toString('base64')}`);
    }
    return `${lines.join('\r\n')}\r\n\r\n`;
}
/** Reads the proxy's answer to CONNECT up to the blank line. */
function readHead(socket, name) {
    return new Promise((resolve, reject) => {
        let buffered = Buffer.alloc(0);
        const cleanup = () => {
            socket.off('data', onData);
            socket.off('error', onError);
            socket.off('close', onClose);
        };
        const fail = (error) => {
            cleanup();
            reject(error);
        };
        const onData = (chunk) => {
            buffered = Buffer.concat([buffered, chunk]);
            const end = buffered.indexOf('\r\n\r\n');
            if (end < 0) {
                if (buffered.length > MAX_HEAD_BYTES)
                    fail(notHttp(name));
                return;
            }
            // Nothing after the head belongs to the tunnel: a proxy sends no more until our TLS hello.
            cleanup();
            const statusLine = buffered.subarray(0, end).toString('latin1').split('\r\n')[0] ?? '';
            const match = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
            if (match === null) {
                reject(notHttp(name));
                return;
            }
            resolve({
                status: Number(match[1]),
                statusText: clip(match[2] ?? '', 80),
            });
        };
        const onError = (error) => {
            fail(new TransientError(`the proxy ${name} broke the connection before answering CONNECT (${describeSystemError(error)})`));
        };
        const onClose = () => {
            fail(new TransientError(`the proxy ${name} closed the connection without answering CONNECT`));
        };
        socket.on('data', onData);
        socket.on('error', onError);
        socket.on('close', onClose);
    });
}
function notHttp(name) {
    return new TransientError(`the proxy ${name} did not answer CONNECT in HTTP`);
}
function refusedTunnel(head, name, address, proxy) {
    const what = `HTTP ${head.status}${head.statusText === '' ? '' : ` ${head.statusText}`}`;
    if (head.status === 407) {
        const fix = proxy.username === ''
            ? 'put user:password in https_proxy (http://user:password@host:port)'
            : 'check the user:password in https_proxy';
        return new PermanentError(`the proxy ${name} asked for authentication (${what}): ${fix}`);
    }
    const refused = `the proxy ${name} did not open a tunnel to ${address} (${what})`;
    if (head.status === 502 || head.status === 504) {
        return new TransientError(`${refused}: it could not resolve or reach that host; if the host name is wrong, check the "region" or "endpoint" input`);
    }
    if (head.status >= 500)
        return new TransientError(refused);
    return new PermanentError(`${refused}: its rules do not allow this host; ask its operators, or list the host in no_proxy if it is reachable directly`);
}

;// CONCATENATED MODULE: ./src/api/tls-modules.ts
let loaded;
function loadTlsModules() {
    return (loaded ??= Promise.all([Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 708, 23)), Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 692, 23))]).then(([https, tls]) => ({ https, tls })));
}

;// CONCATENATED MODULE: ./src/api/http.ts
/**
 * One HTTP request, done right for a poller:
 * - it settles the moment its deadline passes or its signal fires, whatever
 *   stage it is in (DNS, a proxy's CONNECT, TLS, headers, body), and destroys
 *   what it opened. Node raises nothing for a request aborted before it has a
 *   socket, so the request is raced against the signal rather than trusted to
 *   report its own end;
 * - proxies via CONNECT (./proxy.ts), named in their own failures;
 * - a kept-alive socket the server closed just as it was reused is re-sent
 *   once, at once, on a fresh connection: nothing of the answer was lost;
 * - bodies are capped, decoded (gzip, deflate, br) within the same cap, and
 *   redirects and protocol switches are refused (the key stays on its host).
 * Every failure becomes a TransientError or a PermanentError.
 */








const MAX_BODY_BYTES = 32 * 1024 * 1024;
const ACCEPT_ENCODING = 'gzip, deflate, br';
/** The stage once the answer's head has arrived. */
const READING = 'reading the answer';
/** Thrown inside send() when a reused keep-alive socket died before any byte of the answer. */
class StaleConnection extends Error {
}
class HttpTransport {
    userAgent;
    maxBodyBytes;
    proxyFor;
    clientCert;
    httpAgent = new external_node_http_namespaceObject.Agent({ keepAlive: true });
    /** Made with the first https:// request (node:https is loaded then: tls-modules.ts). */
    httpsAgent;
    constructor(userAgent, maxBodyBytes = MAX_BODY_BYTES, 
    /** Which proxy a URL goes through; the environment's rules unless a test says otherwise. */
    proxyFor = proxyFromEnv, 
    /** Offered to every https:// API host that asks for one (never to a proxy). */
    clientCert) {
        this.userAgent = userAgent;
        this.maxBodyBytes = maxBodyBytes;
        this.proxyFor = proxyFor;
        this.clientCert = clientCert;
    }
    async send(request) {
        const timeout = AbortSignal.timeout(request.timeoutMs);
        const signal = AbortSignal.any([request.signal, timeout]);
        const stage = { peer: request.url.host, doing: 'connecting' };
        try {
            const proxy = this.proxyFor(request.url);
            try {
                return await this.exchange(request, signal, proxy, stage, false);
            }
            catch (error) {
                if (!(error instanceof StaleConnection))
                    throw error;
                return await this.exchange(request, signal, proxy, stage, true);
            }
        }
        catch (error) {
            if (request.signal.aborted)
                throw new AbortedError('request cancelled');
            const within = formatSeconds(request.timeoutMs);
            // Once the head arrived, the host did answer: only the body failed.
            const answering = stage.doing === READING;
            if (timeout.aborted) {
                throw answering
                    ? new TransientError(`the answer from ${stage.peer} did not finish arriving within ${within}`, {
                        answered: 'answers too slow to arrive',
                    })
                    : new TransientError(`no answer from ${stage.peer} within ${within} (${stage.doing})`);
            }
            if (error instanceof PermanentError || error instanceof TransientError)
                throw error;
            // A certificate is offered only in a TLS session with the API host.
            const offered = this.clientCert !== undefined && request.url.protocol === 'https:';
            const fault = networkFault(error, request.url, offered);
            if (answering && fault instanceof TransientError) {
                throw new TransientError(`${fault.message}, after the answer had begun`, {
                    answered: 'answers cut off before their end',
                });
            }
            throw fault;
        }
    }
    /** Closes kept-alive sockets so the process can exit. */
    dispose() {
        this.httpAgent.destroy();
        this.httpsAgent?.destroy();
    }
    /** One attempt: (tunnel,) request, answer, body. Whatever it opened is destroyed if it does not finish. */
    async exchange(request, signal, proxy, stage, fresh) {
        // Nothing is opened for a request given up before it starts (a cancel, or a deadline spent on the first try).
        signal.throwIfAborted();
        // Loaded before anything is opened: every await after this one waits on
        // something in `held`, so a cancel at any point destroys all that is open.
        const tlsModules = request.url.protocol === 'https:' ? await loadTlsModules() : undefined;
        signal.throwIfAborted();
        const held = new Set();
        const work = (async () => {
            stage.peer = request.url.host;
            stage.doing = 'connecting';
            // Only https:// goes through a proxy (proxyFromEnv): the tunnel ends in a TLS session.
            const tunnel = proxy === undefined || tlsModules === undefined
                ? undefined
                : await tunnelTo(request.url, proxy, held, stage, tlsModules.tls, this.clientCert);
            const message = await this.answer(request, tlsModules?.https, tunnel, fresh, held, stage);
            stage.doing = READING;
            const raw = await readBody(message, this.maxBodyBytes);
            const body = await decodeBody(raw, message.headers['content-encoding'], this.maxBodyBytes);
            // A tunnel is not kept: a proxy's CONNECT is cheap next to the poll interval.
            tunnel?.destroy();
            return {
                status: message.statusCode ?? 0,
                statusText: message.statusMessage ?? '',
                headers: message.headers,
                body,
            };
        })();
        try {
            return await untilAborted(work, signal);
        }
        catch (error) {
            for (const item of held)
                item.destroy();
            throw error;
        }
    }
    /** Sends the request and resolves with the answer's head. */
    answer(request, 
    /** Given for an https:// URL, and only then. */
    https, tunnel, fresh, held, stage) {
        const { url, body } = request;
        const secure = url.protocol === 'https:';
        const headers = {
            ...request.headers,
            'user-agent': this.userAgent,
            'accept-encoding': ACCEPT_ENCODING,
        };
        if (body !== undefined)
            headers['content-length'] = Buffer.byteLength(body);
        const options = {
            method: request.method,
            protocol: url.protocol,
            hostname: socketHost(url),
            port: url.port === '' ? undefined : Number(url.port),
            // Without an agent (through a tunnel) Node would take 80 and send "Host: name:80".
            defaultPort: secure ? 443 : 80,
            path: url.pathname + url.search,
            headers,
            // Gateways send large cookies and policies; Node's default of 16 KiB refuses them.
            maxHeaderSize: MAX_HEADER_BYTES,
        };
        if (tunnel !== undefined)
            options.createConnection = () => tunnel;
        // agent: false is a fresh connection, used once (it then needs the certificate itself).
        else if (fresh)
            Object.assign(options, { agent: false }, secure ? this.clientCert : undefined);
        else if (https === undefined)
            options.agent = this.httpAgent;
        else
            options.agent = this.httpsAgent ??= new https.Agent({ keepAlive: true, ...this.clientCert });
        return new Promise((resolve, reject) => {
            const req = (https ?? external_node_http_namespaceObject).request(options);
            held.add(req);
            req.on('socket', (socket) => {
                if (tunnel !== undefined || !socket.connecting) {
                    stage.doing = 'waiting for the answer';
                    return;
                }
                stage.doing = 'connecting';
                socket.once('connect', () => {
                    stage.doing = secure ? 'in the TLS handshake' : 'waiting for the answer';
                });
                socket.once('secureConnect', () => {
                    stage.doing = 'waiting for the answer';
                });
            });
            req.on('response', resolve);
            // Node hands a 101 to 'upgrade' and, without a listener, drops the socket and never settles.
            req.on('upgrade', (message, socket) => {
                socket.destroy();
                reject(new PermanentError(`${url.host} answered HTTP ${message.statusCode} ${clip(message.statusMessage ?? '', 80)}, ` +
                    'switching to another protocol, which the import API never does: check the "endpoint" input'));
            });
            req.on('error', (error) => {
                const code = errorCode(error);
                if (req.reusedSocket && code?.startsWith('HPE_') === true) {
                    // Garbage on a kept-alive socket may be what an earlier answer left
                    // behind: not re-sent at once, but the next poll gets a fresh socket.
                    reject(new TransientError(`${url.host} sent an answer that is not HTTP on a reused connection (${code})`, { answered: 'answers that were not HTTP' }));
                    return;
                }
                const stale = req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE');
                reject(stale ? new StaleConnection(errorMessage(error)) : error);
            });
            req.end(body);
        });
    }
}
/**
 * The work's result, or the signal's reason the moment it fires. The work may
 * settle later; that is nobody's business any more. The caller checked that
 * the signal had not fired yet.
 */
function untilAborted(work, signal) {
    return new Promise((resolve, reject) => {
        // send() tells a cancel from a timeout by its own signals; the reason here does not matter.
        const onAbort = () => {
            reject(new Error('aborted'));
        };
        // An AbortSignal fires 'abort' at most once.
        signal.addEventListener('abort', onAbort);
        work.then((value) => {
            signal.removeEventListener('abort', onAbort);
            resolve(value);
        }, (error) => {
            signal.removeEventListener('abort', onAbort);
            // As it is: Node's errors carry the code the verdict depends on, and need
            // not be instanceof this realm's Error (jest runs tests in a VM context).
            // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
            reject(error);
        });
    });
}
/**
 * The body, up to maxBytes. Events rather than async iteration: the same
 * outcome, without compiling the stream iterator machinery on every start.
 */
function readBody(message, maxBytes) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        message.on('data', (chunk) => {
            size += chunk.length;
            if (size > maxBytes) {
                message.destroy();
                reject(tooLarge(maxBytes));
                return;
            }
            chunks.push(chunk);
        });
        message.on('end', () => {
            resolve(Buffer.concat(chunks));
        });
        // A connection that dies before the end is an 'error' (ECONNRESET, "aborted").
        message.on('error', reject);
    });
}
function tooLarge(maxBytes) {
    return new PermanentError(`the answer is larger than ${maxBytes / 1024 / 1024} MiB; refusing to read it`);
}
/**
 * node:zlib is loaded on the first compressed answer, not at start-up: most
 * runs never see one, and the action is loaded on every CI run.
 */
let zlibLoaded;
function zlibDecoder(name) {
    return async (data, options) => {
        const zlib = await (zlibLoaded ??= Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 522, 23)));
        return (0,external_node_util_namespaceObject.promisify)(zlib[name])(data, options);
    };
}
const gunzip = zlibDecoder('gunzip');
const inflate = zlibDecoder('inflate');
const inflateRaw = zlibDecoder('inflateRaw');
const brotli = zlibDecoder('brotliDecompress');
/**
 * "deflate" is meant to be zlib-wrapped, but some servers send it raw: the
 * first byte tells. A zlib header's low nibble is 8 (deflate); a valid raw
 * stream's never is (its low three bits are BFINAL and BTYPE, and a stored
 * block pads the rest of the byte with zeros), so the header's checksum would
 * decide nothing more.
 */
const inflateEither = (data, options) => {
    const [first = 0] = data;
    return ((first & 0x0f) === 8 ? inflate : inflateRaw)(data, options);
};
const DECODERS = {
    gzip: gunzip,
    'x-gzip': gunzip,
    deflate: inflateEither,
    br: brotli,
};
/**
 * The body as text, undoing Content-Encoding (gateways compress whether asked
 * or not). The decoded size is capped like the raw size: a small bomb stays small.
 */
async function decodeBody(raw, contentEncoding, maxBytes) {
    const codings = (contentEncoding ?? '')
        .split(',')
        .map((coding) => coding.trim().toLowerCase())
        .filter((coding) => coding !== '' && coding !== 'identity');
    let data = raw;
    // Codings are listed in the order they were applied: undo the last first.
    for (const coding of codings.reverse()) {
        if (data.length === 0)
            break;
        const decoder = DECODERS[coding];
        if (decoder === undefined) {
            throw new PermanentError(`the answer is encoded as ${JSON.stringify(clip(coding, 40))}, which this action cannot decode ` +
                `(it accepts ${ACCEPT_ENCODING}); a proxy or gateway on the way may be re-encoding answers`);
        }
        try {
            data = await decoder(data, { maxOutputLength: maxBytes });
        }
        catch (error) {
            if (errorCode(error) === 'ERR_BUFFER_TOO_LARGE')
                throw tooLarge(maxBytes);
            throw new TransientError(`the answer said it was ${coding}-encoded but could not be decoded (${clip(errorMessage(error), 120)})`, { answered: 'answers that could not be decoded' });
        }
    }
    return data.toString('utf8');
}
function formatSeconds(ms) {
    return `${Number((ms / 1000).toFixed(1))} s`;
}

;// CONCATENATED MODULE: ./src/job.ts
/**
 * The one model every API dialect maps into, and the rules on it. Pure: no
 * I/O, no clock. Progress is always a percentage 0-100 here; dialects convert.
 */
/** The call that makes an uncommitted job's data visible, for messages. */
const COMMIT_CALL = 'POST /v2/vectordb/jobs/import/commit';
/** The call that discards an unfinished or uncommitted job. */
const ABORT_CALL = 'POST /v2/vectordb/jobs/import/abort';
/** For reporting: a job with no answer yet counts as pending at 0% of unknown size. */
function lastKnownJob(status) {
    return status.job ?? { jobId: status.jobId, state: 'pending', progress: 0, files: [] };
}
/**
 * Every value of the `state` output, in the order one outranks the next (see
 * decideState). `failed`: an import reported an error. `error`: the action
 * could not find out how the import went (a refused key, an unknown job, an
 * answer it cannot read, or an API it never got an answer from).
 */
const OUTCOME_STATES = (/* unused pure expression or super */ null && ([
    'failed',
    'error',
    'uncommitted',
    'completed',
    'cancelled',
    'timed-out',
]));
function isSettled(state) {
    return state === 'completed' || state === 'failed' || state === 'uncommitted';
}
/** A failed job that fell back to a lower progress keeps the last one seen, and says so. */
function keepLastProgress(previous, job) {
    if (job.state !== 'failed' || previous === undefined || previous.progress <= job.progress) {
        return job;
    }
    return { ...job, progress: previous.progress, progressLastSeen: true };
}
/** The most an unfinished (or failed) job or file shows: 100% is for finished work only. */
const UNFINISHED_MAX_PERCENT = 99.9;
/** A percentage for work that is not finished: never 100 (0.9999999999 of a job is not done). */
function unfinishedPercent(percent) {
    return Math.min(UNFINISHED_MAX_PERCENT, percentFloor(percent));
}
/**
 * A percentage clamped to 0-100 with one decimal, rounded DOWN so that an
 * unfinished job never shows 100% (but see unfinishedPercent).
 */
function percentFloor(percent) {
    const clamped = Math.min(100, Math.max(0, percent));
    // The epsilon absorbs float noise such as 0.7 * 1000 = 699.9999999.
    return Math.floor(clamped * 10 + 1e-6) / 10;
}
/**
 * Every error the job reports: the job's own first, then each file's. A job
 * error that only repeats one of its files' (Milvus gives a job failed by a
 * file that file's reason) is left out, so it is not reported twice.
 */
function jobErrors(job) {
    const errors = [];
    for (const file of job.files) {
        if (file.errorMessage) {
            errors.push({ jobId: job.jobId, fileName: file.fileName, message: file.errorMessage });
        }
    }
    if (job.errorMessage && !errors.some((error) => error.message === job.errorMessage)) {
        errors.unshift({ jobId: job.jobId, message: job.errorMessage });
    }
    return errors;
}
/** A job or file is done at 100%, or once the server gives its completion time. */
function isDone(item) {
    return item.progress >= 100 || item.completeTime !== undefined;
}
function filesDone(job) {
    return job.files.filter(isDone).length;
}
/** Whether a job or file reports any row count. */
function hasRowCounts(item) {
    return item.importedRows !== undefined || item.totalRows !== undefined;
}
/** Whether any job or file reports row counts (the summary then shows a Rows column). */
function reportsRows(jobs) {
    return jobs.some((job) => hasRowCounts(job) || job.files.some(hasRowCounts));
}
/**
 * Overall progress of several jobs: weighted by job size when every job
 * reports one (a 10 GiB job matters more than a 10 KiB one), else a plain mean.
 */
function overallProgress(jobs) {
    if (jobs.length === 0)
        return 0;
    const sizes = jobs.map((job) => job.fileSize ?? 0);
    const weighted = sizes.every((size) => size > 0);
    const totalWeight = weighted ? sizes.reduce((a, b) => a + b, 0) : jobs.length;
    const sum = jobs.reduce((acc, job, i) => acc + job.progress * (weighted ? (sizes[i] ?? 0) : 1), 0);
    return percentFloor(sum / totalWeight);
}

;// CONCATENATED MODULE: ./src/api/hints.ts
/**
 * What a refusal is about, read from its code and message: the same rules for
 * every dialect, which then say in their own words what to check. Pure.
 */
/** 80001: Zilliz Cloud's invalid token; 1800: Milvus's "user hasn't authenticated". */
const KEY_CODES = [80001, 1800];
/** Milvus's "import job not found". */
const UNKNOWN_JOB_CODES = [2100];
/** Milvus's "collection not found[database=..][collection=..]" (merr.ErrCollectionNotFound). */
const UNKNOWN_COLLECTION_CODES = [100];
function refusalKind(code, message) {
    if (KEY_CODES.includes(code) || /token|api.?key|auth|credential|password/i.test(message)) {
        return 'key';
    }
    if (UNKNOWN_JOB_CODES.includes(code) ||
        (/job/i.test(message) && /not (exist|found)|does ?n[o']?t exist|unknown|invalid/i.test(message))) {
        return 'unknown-job';
    }
    // Before the database: Milvus names the database it looked in ("[database=default]").
    if (UNKNOWN_COLLECTION_CODES.includes(code) ||
        /collection\b.*\b(not (exist|found)|does ?n[o']?t exist)/i.test(message)) {
        return 'collection';
    }
    if (/cluster/i.test(message))
        return 'cluster';
    if (/database/i.test(message))
        return 'database';
    return 'other';
}

;// CONCATENATED MODULE: ./src/api/v1.ts
/**
 * The Zilliz Cloud v1 controller API: where to ask, and how its answer maps
 * into the ImportJob model. Facts and their sources: docs/api-notes.md
 * (readyPercentage is a fraction; success code is 200, or 0 per the docs;
 * errors mostly arrive as HTTP 200 with {code, message}).
 */




const V1_PATH = '/v1/vector/collections/import/get';
function v1Url(baseUrl, jobId, clusterId, path = V1_PATH) {
    const url = apiUrl(baseUrl, path);
    // URLSearchParams encodes &, #, spaces and unicode: a job ID cannot add parameters.
    url.search = new URLSearchParams({ jobId, clusterId }).toString();
    return url;
}
function v1Dialect(baseUrl, clusterId) {
    return {
        product: 'Zilliz Cloud',
        format: 'the v1 import-progress format',
        successCodes: [0, 200],
        transientCodes: [],
        paths: [V1_PATH],
        request: (jobId, path) => ({
            method: 'GET',
            url: v1Url(baseUrl, jobId, clusterId, path),
            headers: {},
        }),
        mapData: mapV1Job,
        hint: (code, message) => V1_HINTS[refusalKind(code, message)],
    };
}
const V1_HINTS = {
    key: 'The API key is invalid or expired: check the "api-key" secret.',
    'unknown-job': 'The job is unknown: check "job-id" and that the job was created on this cluster.',
    collection: 'Check "job-id", "cluster-id" and "region".',
    cluster: 'Check "cluster-id" and "region".',
    database: 'Check "job-id", "cluster-id" and "region".',
    other: 'Check "job-id", "cluster-id" and "region".',
};
/** readyPercentage: a fraction 0..1 (plain decimal strings tolerated); out of range is a shape error. */
function readFraction(value, field, fail) {
    return readInRange(value, field, fail, 0, 1) ?? 0;
}
function v1State(fraction, completeTime, error) {
    if (error)
        return 'failed';
    if (fraction >= 1 || completeTime !== undefined)
        return 'completed';
    return fraction > 0 ? 'importing' : 'pending';
}
function mapV1Job(jobId, data, fail) {
    const files = readDetails(data.details, fail).map((entry, index) => {
        const field = `details[${index}].`;
        const fraction = readFraction(entry.readyPercentage, `${field}readyPercentage`, fail);
        const completeTime = sharedTime(readString(entry.completeTime, `${field}completeTime`, fail));
        const done = v1State(fraction, completeTime, false) === 'completed';
        // One literal of every field (absent ones undefined): a file record is
        // made 200,000 times in a large run, and one shape is 30% smaller than
        // fields added one by one.
        return {
            fileName: readString(entry.fileName, `${field}fileName`, fail) ?? `(file ${index + 1})`,
            progress: done ? 100 : unfinishedPercent(fraction * 100),
            fileSize: readCount(entry.fileSize, `${field}fileSize`, fail),
            completeTime,
            errorMessage: readExact(entry.errorMessage, `${field}errorMessage`, fail),
        };
    });
    const fraction = readFraction(data.readyPercentage, 'readyPercentage', fail);
    const completeTime = readString(data.completeTime, 'completeTime', fail);
    const errorMessage = readExact(data.errorMessage, 'errorMessage', fail);
    const anyError = errorMessage !== undefined || files.some((file) => file.errorMessage !== undefined);
    const state = v1State(fraction, completeTime, anyError);
    return withOptional({
        jobId,
        state,
        progress: state === 'completed' ? 100 : unfinishedPercent(fraction * 100),
        files,
    }, {
        collectionName: readString(data.collectionName, 'collectionName', fail),
        completeTime,
        errorMessage,
        fileSize: readCount(data.fileSize, 'fileSize', fail),
    });
}

;// CONCATENATED MODULE: ./src/api/list.ts

const V2_LIST_PATH = '/v2/vectordb/jobs/import/list';
/** Records asked for per page: pymilvus's default is 10 and no maximum is documented. */
const LIST_PAGE_SIZE = 100;
/** A cluster listing more pages than this in one round is not paged further (a loop guard). */
const MAX_LIST_PAGES = 200;
/** The list body: Milvus reads collectionName and dbName, Zilliz Cloud clusterId and the paging. */
function listBody(query, target) {
    const body = { collectionName: query.collectionName ?? '' };
    if (target.dbName !== undefined)
        body.dbName = target.dbName;
    if (target.clusterId !== undefined)
        body.clusterId = target.clusterId;
    body.pageSize = LIST_PAGE_SIZE;
    body.currentPage = query.page;
    return body;
}
/**
 * A list answer's data as a page. `data` must be the v2 object with a
 * `records` array (the pre-2.4 development shape, `data` as an array, is not
 * one); each record needs a job ID and a state. Anything else is a shape error.
 */
function readListPage(data, query, fail, readState) {
    const records = data.records ?? [];
    if (!Array.isArray(records))
        throw fail('"records" to be an array');
    const jobs = records.map((record, index) => {
        const field = `records[${index}].`;
        if (!isRecord(record))
            throw fail(`"records[${index}]" to be an object`);
        const jobId = readJobId(record.jobId, `${field}jobId`, fail);
        const stateText = readExact(record.state, `${field}state`, fail);
        if (stateText === undefined)
            throw fail(`"${field}state" to be a state`);
        const { state, unknown } = readState(stateText);
        const job = { jobId, state };
        const collectionName = readString(record.collectionName, `${field}collectionName`, fail);
        if (collectionName !== undefined)
            job.collectionName = collectionName;
        if (unknown !== undefined)
            job.unknownState = unknown;
        const progress = readInRange(record.progress, `${field}progress`, fail, 0, 100);
        if (progress !== undefined)
            job.progress = progress;
        const reason = readExact(record.reason, `${field}reason`, fail);
        if (reason !== undefined)
            job.reason = reason;
        return job;
    });
    return { jobs, more: morePages(data, query.page, jobs.length) };
}
/**
 * Whether to ask for the next page. Only a full page can have a successor;
 * `count` is the total over all pages (the docs' example: count 1000 with
 * pageSize 10), so a full page that reaches it is the last. The server's
 * own pageSize wins over the one asked for: it may cap it.
 */
function morePages(data, page, got) {
    const pageSize = positiveWhole(data.pageSize) ?? LIST_PAGE_SIZE;
    if (got < pageSize || page >= MAX_LIST_PAGES)
        return false;
    const count = positiveWhole(data.count);
    return count === undefined || page * pageSize < count;
}
function positiveWhole(value) {
    return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}
/** What the job-id input takes: an ID from the list is described and shown like one. */
const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
function readJobId(value, field, fail) {
    const text = 
    // A negative number reads "-1", which the pattern refuses.
    typeof value === 'number' && Number.isSafeInteger(value)
        ? String(value)
        : typeof value === 'string'
            ? value
            : '';
    if (!JOB_ID.test(text)) {
        throw fail(`"${field}" to be a job ID (letters, digits, ".", "_", ":" or "-", or a whole number below 2^53)`);
    }
    return text;
}

;// CONCATENATED MODULE: ./src/api/v2.ts
/**
 * The v2 jobs API, spoken by Zilliz Cloud (api.cloud.zilliz.com) and by
 * self-hosted Milvus 2.4+. Facts and their sources: docs/api-notes.md
 * (state Pending/Importing/Completed/Failed, progress 0-100, `reason` is the
 * error text, Milvus reports rows and uses "" for "not completed yet").
 */





/** Tried in order (see Dialect.paths): Milvus 2.4 before /describe existed only answers /get_progress. */
const V2_PATHS = [
    '/v2/vectordb/jobs/import/describe',
    '/v2/vectordb/jobs/import/get_progress',
];
/** Two-phase import (Milvus 3.0 line; not in 2.6 or before): see docs/api-notes.md. */
const V2_WRITE_PATHS = {
    commit: '/v2/vectordb/jobs/import/commit',
    abort: '/v2/vectordb/jobs/import/abort',
};
/** Milvus: 1807 is rate limiting. */
const RATE_LIMITED = 1807;
const HINTS = {
    'Zilliz Cloud': {
        key: 'The API key is invalid or expired: check the "api-key" secret.',
        'unknown-job': 'The job is unknown: check "job-id" and that the job was created on this cluster.',
        collection: 'The collection is unknown: check "collection-name" and "cluster-id".',
        cluster: 'Check "cluster-id".',
        database: 'Check "db-name".',
        other: 'Check "job-id" and "cluster-id".',
    },
    Milvus: {
        key: 'The credentials were refused: "api-key" must be a Milvus token or user:password.',
        'unknown-job': 'The job is unknown: check "job-id" (and "db-name"). Milvus forgets finished jobs after its retention period, so an old job ID can no longer be looked up.',
        collection: 'The collection is unknown: check "collection-name" and "db-name" (Milvus looks in the default database unless "db-name" is set).',
        cluster: 'Check "cluster-id".',
        database: 'Check "db-name".',
        other: 'Check "job-id", "db-name" and "endpoint".',
    },
};
/**
 * Job states (Pending, Importing, Completed, Failed; Uncommitted and Committing
 * for two-phase commit) and file (task) states (InProgress; Retry while Milvus
 * retries a task, with a reason), lower-cased.
 */
const KNOWN_STATES = {
    pending: 'pending',
    importing: 'importing',
    inprogress: 'importing',
    retry: 'importing',
    committing: 'committing',
    uncommitted: 'uncommitted',
    completed: 'completed',
    failed: 'failed',
};
class V2Dialect {
    options;
    successCodes = [0, 200];
    transientCodes = [RATE_LIMITED];
    format = 'the v2 import-job format';
    paths = V2_PATHS;
    writePaths = V2_WRITE_PATHS;
    product;
    unknownStates = new Set();
    constructor(options) {
        this.options = options;
        this.product = options.product;
    }
    request(jobId, path) {
        const { baseUrl, clusterId, dbName } = this.options;
        const url = apiUrl(baseUrl, path);
        const headers = { 'content-type': 'application/json' };
        if (dbName !== undefined)
            headers['db-name'] = dbName;
        const body = JSON.stringify(withOptional({ jobId }, { clusterId, dbName }));
        return { method: 'POST', url, headers, body };
    }
    hint(code, message) {
        return HINTS[this.product][refusalKind(code, message)];
    }
    /** The list call: one body for both servers (see list.ts), the same headers as a describe. */
    list = {
        request: (query) => {
            const { baseUrl, clusterId, dbName } = this.options;
            const headers = { 'content-type': 'application/json' };
            if (dbName !== undefined)
                headers['db-name'] = dbName;
            return {
                method: 'POST',
                url: apiUrl(baseUrl, V2_LIST_PATH),
                headers,
                body: JSON.stringify(listBody(query, { clusterId, dbName })),
            };
        },
        mapPage: (data, query, fail) => readListPage(data, query, fail, (text) => {
            let unknown;
            const state = readState(text, (spelled) => {
                unknown = spelled;
                this.noteUnknownState(spelled);
            });
            return { state, unknown };
        }),
    };
    noteUnknownState(state) {
        if (this.unknownStates.has(state))
            return;
        this.unknownStates.add(state);
        this.options.onUnknownState?.(state);
    }
    mapData(jobId, data, fail) {
        return mapV2Job(jobId, data, fail, (state) => {
            this.noteUnknownState(state);
        });
    }
}
/** A v2 state as the model's: unknown states mean "still running". */
function readState(text, onUnknown) {
    // Own keys only: a state "constructor" is unknown, not Object's.
    const key = text.toLowerCase();
    if (Object.hasOwn(KNOWN_STATES, key))
        return KNOWN_STATES[key];
    onUnknown(text);
    return 'importing';
}
/** What a Failed state with no reason is reported as: the log and outputs still need words. */
const NO_REASON = 'failed (the server gave no reason)';
/**
 * State, progress, time and error of a job or file, settled against each
 * other. A reason fails it only with state Failed, or with no state at all;
 * with a running state (Milvus marks a task Retry, with a reason, while it
 * retries it) the reason is a note and polling goes on.
 */
function readProgress(entry, field, fail, onUnknown) {
    const reason = readExact(entry.reason, `${field}reason`, fail);
    const stateText = readExact(entry.state, `${field}state`, fail);
    let unknownState;
    const state = stateText === undefined
        ? reason === undefined
            ? 'importing'
            : 'failed'
        : readState(stateText, (text) => {
            unknownState = text;
            onUnknown(text);
        });
    const percent = readInRange(entry.progress, `${field}progress`, fail, 0, 100) ?? 0;
    return {
        state,
        unknownState,
        progress: state === 'completed' ? 100 : unfinishedPercent(percent),
        completeTime: sharedTime(readString(entry.completeTime, `${field}completeTime`, fail)),
        errorMessage: state === 'failed' ? (reason ?? NO_REASON) : undefined,
        retrying: state === 'failed' || state === 'completed' ? undefined : reason,
    };
}
function mapV2Job(jobId, data, fail, onUnknownState = () => undefined) {
    const files = readDetails(data.details, fail).map((entry, index) => {
        const field = `details[${index}].`;
        const reading = readProgress(entry, field, fail, onUnknownState);
        // One literal of every field (absent ones undefined): see mapV1Job.
        return {
            fileName: readString(entry.fileName, `${field}fileName`, fail) ?? `(file ${index + 1})`,
            progress: reading.progress,
            fileSize: readCount(entry.fileSize, `${field}fileSize`, fail),
            completeTime: reading.completeTime,
            errorMessage: reading.errorMessage,
            retrying: reading.retrying,
            importedRows: readCount(entry.importedRows, `${field}importedRows`, fail),
            totalRows: readCount(entry.totalRows, `${field}totalRows`, fail),
        };
    });
    const job = readProgress(data, '', fail, onUnknownState);
    const fileFailed = files.some((file) => file.errorMessage !== undefined);
    // One failed file fails the job, as in v1 (fail fast). The job's own reason
    // is kept; the stand-in for no reason is dropped when a file says what went wrong.
    const state = fileFailed ? 'failed' : job.state;
    const errorMessage = job.errorMessage === NO_REASON && fileFailed ? undefined : job.errorMessage;
    return withOptional({ jobId, state, progress: job.progress, files }, {
        collectionName: readString(data.collectionName, 'collectionName', fail),
        completeTime: job.completeTime,
        errorMessage,
        unknownState: state === 'failed' ? undefined : job.unknownState,
        retrying: state === 'failed' ? undefined : job.retrying,
        fileSize: readCount(data.fileSize, 'fileSize', fail),
        importedRows: readCount(data.importedRows, 'importedRows', fail),
        totalRows: readCount(data.totalRows, 'totalRows', fail),
    });
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: ./src/duration.ts
/** Durations as users write them in workflow files: `90s`, `15m`, `1h30m`, or bare seconds. */
const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000 };
const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
/** Milliseconds, or undefined when the text is not a duration. */
function parseDuration(text) {
    const value = text.trim().toLowerCase();
    if (/^\d+$/.test(value))
        return Number(value) * UNIT_MS.s;
    const match = DURATION.exec(value);
    if (!match || value === '')
        return undefined;
    const [, hours = '0', minutes = '0', seconds = '0'] = match;
    return Number(hours) * UNIT_MS.h + Number(minutes) * UNIT_MS.m + Number(seconds) * UNIT_MS.s;
}

;// CONCATENATED MODULE: ./src/inputs.ts
/**
 * Every input the action takes, validated into one Settings object before any
 * request is made. Pure: the caller passes a getInput function, so this is
 * tested with plain objects and the runner's core.getInput is wired in main.ts.
 */


/** When the wait ends for one of these, abort-on aborts the jobs still running or held. */
const ABORT_ON_REASONS = ['cancel', 'timeout', 'failure'];
/** A user mistake in the inputs: its message is shown as is, one line. */
class InputError extends Error {
    name = 'InputError';
}
const DEFAULTS = { timeout: '30m', pollInterval: '5s' };
const LIMITS = {
    maxJobs: 1_000,
    minPollIntervalMs: 1_000,
    maxPollIntervalMs: 3_600_000,
    maxTimeoutMs: 7 * 24 * 3_600_000,
};
const inputs_JOB_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const CLUSTER_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
const REGION = /^[a-z0-9]+(-[a-z0-9]+)*$/;
// Milvus database names: a letter or underscore, then letters, digits, underscores.
const DB_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
// Collection names: Milvus takes a letter or underscore, then letters, digits
// and underscores (some versions also "$" and "-"); nothing else could be one.
const COLLECTION_NAME = /^[A-Za-z_][A-Za-z0-9_$-]{0,254}$/;
/** Zilliz Cloud's own domains (global and China); any other host is a self-hosted Milvus. */
const ZILLIZ_CLOUD_HOST = /(^|\.)(zillizcloud\.com|cloud\.zilliz\.com|cloud\.zilliz\.com\.cn)$/;
const V2_CLOUD_BASE = 'https://api.cloud.zilliz.com';
// Visible ASCII only: anything else cannot travel in an HTTP header and is
// almost always a copy-paste accident (a trailing newline, a quote).
const API_KEY = /^[\x21-\x7e]+$/;
/** Shows a user's value in an error message without flooding the log. */
function quote(value) {
    const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
    return JSON.stringify(shown);
}
function required(getInput, name) {
    const value = getInput(name).trim();
    if (value === '')
        throw new InputError(`Input "${name}" is required but was empty.`);
    return value;
}
function parseJobIds(text) {
    const ids = text
        .split(/[\n,]/)
        .map((id) => id.trim())
        .filter((id) => id !== '');
    // What `${{ steps.import.outputs.job-id }}` gives when that step failed or
    // printed a JSON null: the real problem is in the step before this one.
    const missing = ids.length === 0 ? 'empty' : ids.find((id) => /^(null|undefined|none)$/i.test(id));
    if (missing !== undefined) {
        throw new InputError(`Input "job-id" is ${missing === 'empty' ? 'empty' : quote(missing)}: the step that started the import ` +
            'produced no job ID. Check its output (did the API answer with a code other than 0 or 200, and no data.jobId?). ' +
            'To wait for every unfinished import into a collection instead, set "collection-name" (api-version: v2).');
    }
    for (const id of ids) {
        if (!inputs_JOB_ID.test(id)) {
            throw new InputError(`Input "job-id" has ${quote(id)}, which is not an import job ID: expected letters, digits, ` +
                `".", "_", ":" or "-" (at most 128 characters), several IDs separated by commas or newlines.`);
        }
    }
    const unique = [...new Set(ids)];
    if (unique.length > LIMITS.maxJobs) {
        throw new InputError(`Input "job-id" lists ${unique.length} jobs; at most ${LIMITS.maxJobs} are supported.`);
    }
    return unique;
}
function isLoopbackHost(hostname) {
    // WHATWG URL parsing has already canonicalised the host (127.1 -> 127.0.0.1, [::1]).
    return (hostname === 'localhost' ||
        hostname === '[::1]' ||
        /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname));
}
function parseEndpoint(text) {
    let url;
    try {
        url = new URL(text);
    }
    catch {
        throw new InputError(`Input "endpoint" must be an absolute URL such as https://controller.api.gcp-us-west1.zillizcloud.com; got ${quote(text)}.`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
        throw new InputError(`Input "endpoint" must use https:// (plain http:// is allowed only for localhost, 127.0.0.0/8 or [::1]); got ${url.protocol}//${url.host}.`);
    }
    if (url.username !== '' || url.password !== '') {
        throw new InputError('Input "endpoint" must not contain credentials (user:password@); pass the key in "api-key".');
    }
    if (url.search !== '' || url.hash !== '') {
        throw new InputError(`Input "endpoint" must not have a query or fragment; got ${quote(text)}.`);
    }
    // A path prefix is kept (reverse proxies mount APIs under one): see apiUrl.
    return url;
}
function isZillizCloudHost(hostname) {
    return ZILLIZ_CLOUD_HOST.test(hostname.toLowerCase());
}
function regionBaseUrl(region) {
    return new URL(`https://controller.api.${region}.zillizcloud.com`);
}
function parseRegion(text) {
    if (!REGION.test(text) || text.length > 63) {
        throw new InputError(`Input "region" must be a Zilliz Cloud region ID such as gcp-us-west1 or aws-us-east1 ` +
            `(lower-case letters, digits and single dashes); got ${quote(text)}.`);
    }
    return text;
}
function parseDurationInput(getInput, name, fallback, minMs, maxMs) {
    const text = getInput(name).trim() || fallback;
    const ms = parseDuration(text);
    const expected = `a duration such as 90s, 15m, 1h30m or a whole number of seconds`;
    if (ms === undefined)
        throw new InputError(`Input "${name}" must be ${expected}; got ${quote(text)}.`);
    if (ms < minMs) {
        throw new InputError(`Input "${name}" must be at least ${minMs / 1000}s; got ${quote(text)}.`);
    }
    if (ms > maxMs) {
        throw new InputError(`Input "${name}" must be at most ${maxMs / 3_600_000}h; got ${quote(text)}.`);
    }
    return ms;
}
/** The YAML 1.2 core-schema spellings, as core.getBooleanInput accepts them. */
function parseBoolean(getInput, name, fallback) {
    const text = getInput(name).trim();
    if (text === '')
        return fallback;
    if (['true', 'True', 'TRUE'].includes(text))
        return true;
    if (['false', 'False', 'FALSE'].includes(text))
        return false;
    throw new InputError(`Input "${name}" must be true or false; got ${quote(text)}.`);
}
function parseClusterId(text) {
    if (text === '')
        return undefined;
    if (!CLUSTER_ID.test(text)) {
        throw new InputError(`Input "cluster-id" must be a cluster ID such as in03-0123456789abcdef (letters, digits and dashes); got ${quote(text)}.`);
    }
    return text;
}
function parseTarget(getInput) {
    const apiVersion = getInput('api-version').trim() || 'v1';
    if (apiVersion !== 'v1' && apiVersion !== 'v2') {
        throw new InputError(`Input "api-version" must be v1 or v2; got ${quote(apiVersion)}.`);
    }
    const clusterId = parseClusterId(getInput('cluster-id').trim());
    const regionText = getInput('region').trim();
    const endpointText = getInput('endpoint').trim();
    const dbNameText = getInput('db-name').trim();
    // A malformed region is a mistake worth reporting even when it is not used.
    const region = regionText === '' ? undefined : parseRegion(regionText);
    const endpoint = endpointText === '' ? undefined : parseEndpoint(endpointText);
    if (apiVersion === 'v1') {
        if (dbNameText !== '') {
            throw new InputError('Input "db-name" is only used with api-version: v2 (the v1 API has no databases).');
        }
        if (clusterId === undefined)
            throw new InputError('Input "cluster-id" is required but was empty.');
        if (endpoint !== undefined)
            return { api: 'v1', baseUrl: endpoint, clusterId };
        if (region !== undefined)
            return { api: 'v1', baseUrl: regionBaseUrl(region), clusterId };
        throw new InputError('Input "region" is required unless "endpoint" is set: give the region ID of the cluster, such as gcp-us-west1.');
    }
    if (dbNameText !== '' && !DB_NAME.test(dbNameText)) {
        throw new InputError(`Input "db-name" must be a Milvus database name (a letter or "_", then letters, digits or "_"); got ${quote(dbNameText)}.`);
    }
    const baseUrl = endpoint ?? new URL(V2_CLOUD_BASE);
    const product = isZillizCloudHost(baseUrl.hostname) ? 'Zilliz Cloud' : 'Milvus';
    if (product === 'Zilliz Cloud' && clusterId === undefined) {
        throw new InputError('Input "cluster-id" is required for Zilliz Cloud (it may be left out only for a self-hosted Milvus "endpoint").');
    }
    const target = { api: 'v2', product, baseUrl };
    if (clusterId !== undefined)
        target.clusterId = clusterId;
    if (dbNameText !== '')
        target.dbName = dbNameText;
    return target;
}
/**
 * client-cert and client-key: both or neither, each readable PEM, and the key
 * the certificate's own. Neither is ever quoted back.
 */
function parseClientCertificate(getInput) {
    const cert = getInput('client-cert').trim();
    const key = getInput('client-key').trim();
    if (cert === '' && key === '')
        return undefined;
    if (cert === '' || key === '') {
        const [missing, given] = cert === '' ? ['client-cert', 'client-key'] : ['client-key', 'client-cert'];
        throw new InputError(`Input "${missing}" is required when "${given}" is set: mutual TLS needs the certificate and its private key.`);
    }
    let certificate;
    try {
        certificate = new external_node_crypto_namespaceObject.X509Certificate(cert);
    }
    catch {
        throw new InputError('Input "client-cert" is not a PEM certificate (text from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----).');
    }
    let privateKey;
    try {
        privateKey = (0,external_node_crypto_namespaceObject.createPrivateKey)(key);
    }
    catch {
        throw new InputError('Input "client-key" is not an unencrypted PEM private key (text from -----BEGIN PRIVATE KEY----- ' +
            'or -----BEGIN EC/RSA PRIVATE KEY-----); an encrypted key needs a passphrase, which this action does not take.');
    }
    if (!certificate.checkPrivateKey(privateKey)) {
        throw new InputError('Input "client-key" is not the private key of the certificate in "client-cert".');
    }
    return { cert, key };
}
/** abort-on: a comma-separated list of cancel, timeout, failure (empty: none). */
function parseAbortOn(text) {
    const reasons = new Set();
    for (const word of text.split(/[\n,]/).map((w) => w.trim())) {
        if (word === '')
            continue;
        const reason = ABORT_ON_REASONS.find((known) => known === word);
        if (reason === undefined) {
            throw new InputError(`Input "abort-on" must list some of ${ABORT_ON_REASONS.join(', ')}, separated by commas; got ${quote(word)}.`);
        }
        reasons.add(reason);
    }
    return reasons;
}
/** expected-rows: a whole number of rows (exact), or >= one (a minimum); commas and _ allowed. */
function parseExpectedRows(text) {
    if (text === '')
        return undefined;
    const match = /^(>=)?\s*(\d{1,3}(?:[,_]\d{3})+|\d+)$/.exec(text);
    const count = match === null ? Number.NaN : Number((match[2] ?? '').replace(/[,_]/g, ''));
    if (match === null || !Number.isSafeInteger(count)) {
        throw new InputError(`Input "expected-rows" must be a whole number of rows over all jobs (1000000 for exactly that many) ` +
            `or a minimum such as >=1; got ${quote(text)}.`);
    }
    return { count, atLeast: match[1] !== undefined };
}
/**
 * job-id or collection-name, exactly one. collection-name needs the v2 list
 * call, and takes neither commit nor abort-on: writes go only to jobs the
 * user named. require-jobs only means something with collection-name.
 */
function parseJobSource(getInput, target) {
    const jobIdText = getInput('job-id');
    const name = getInput('collection-name').trim();
    const requireJobs = parseBoolean(getInput, 'require-jobs', false);
    if (name === '') {
        if (requireJobs) {
            throw new InputError('Input "require-jobs" only applies with "collection-name": with "job-id" every job given is waited for.');
        }
        // Empty: most often the output of a step that failed; parseJobIds says so.
        return { jobIds: parseJobIds(jobIdText) };
    }
    if (jobIdText.trim() !== '') {
        throw new InputError('Inputs "job-id" and "collection-name" were both set: give one (the job IDs, or the collection whose unfinished imports to wait for).');
    }
    if (!COLLECTION_NAME.test(name)) {
        throw new InputError(`Input "collection-name" must be a collection name (a letter or "_", then letters, digits or "_"); got ${quote(name)}.`);
    }
    if (target.api === 'v1') {
        throw new InputError('Input "collection-name" needs api-version: v2: the action lists the collection\'s jobs with the v2 jobs API.');
    }
    return { jobIds: [], collection: { name, requireJobs } };
}
function refuseWritesByCollection(gate) {
    const given = [
        gate.commit ? '"commit"' : undefined,
        gate.abortOn.size > 0 ? '"abort-on"' : undefined,
    ].filter((input) => input !== undefined);
    if (given.length === 0)
        return;
    throw new InputError(`${given.join(' and ')} cannot be used with "collection-name": commits and aborts go only to jobs named in "job-id". ` +
        'List the jobs by ID to let the action write to them.');
}
/** commit, abort-on and expected-rows: writes and row counts exist only in the v2 jobs API. */
function parseGate(getInput, target) {
    const commit = parseBoolean(getInput, 'commit', false);
    // parseAbortOn trims each reason itself.
    const abortOn = parseAbortOn(getInput('abort-on'));
    const expectedRows = parseExpectedRows(getInput('expected-rows').trim());
    if (target.api === 'v1') {
        const given = [
            commit ? '"commit"' : undefined,
            abortOn.size > 0 ? '"abort-on"' : undefined,
            expectedRows === undefined ? undefined : '"expected-rows"',
        ].filter((name) => name !== undefined);
        if (given.length > 0) {
            throw new InputError(`${given.length === 1 ? 'Input' : 'Inputs'} ${given.join(' and ')} ${given.length === 1 ? 'needs' : 'need'} ` +
                'api-version: v2: the v1 API reports no row counts and has no commit or abort.');
        }
    }
    // All or nothing: a failure before the commit discards every job.
    if (commit)
        abortOn.add('failure');
    const gate = { commit, abortOn };
    if (expectedRows !== undefined)
        gate.expectedRows = expectedRows;
    return gate;
}
function parseSettings(getInput) {
    const apiKey = required(getInput, 'api-key');
    if (!API_KEY.test(apiKey)) {
        // Never echo the key, not even a part of it.
        throw new InputError('Input "api-key" contains spaces, line breaks or non-ASCII characters; pass the key alone.');
    }
    const target = parseTarget(getInput);
    const { jobIds, collection } = parseJobSource(getInput, target);
    const timeoutMs = parseDurationInput(getInput, 'timeout', DEFAULTS.timeout, 1_000, LIMITS.maxTimeoutMs);
    const pollIntervalMs = parseDurationInput(getInput, 'poll-interval', DEFAULTS.pollInterval, LIMITS.minPollIntervalMs, LIMITS.maxPollIntervalMs);
    const failOnTimeout = parseBoolean(getInput, 'fail-on-timeout', true);
    const gate = parseGate(getInput, target);
    if (collection !== undefined)
        refuseWritesByCollection(gate);
    const settings = {
        jobIds,
        apiKey,
        target,
        timeoutMs,
        pollIntervalMs,
        failOnTimeout,
        gate,
    };
    if (collection !== undefined)
        settings.collection = collection;
    const clientCert = parseClientCertificate(getInput);
    if (clientCert !== undefined)
        settings.clientCert = clientCert;
    return settings;
}

;// CONCATENATED MODULE: ./src/poll/rate-limit.ts
function createRateLimiter(spacingMs, clock, sleep) {
    let lastSlot = Number.NEGATIVE_INFINITY;
    return {
        async acquire(notAfterMs, signal) {
            // A signal that already fired ends the sleep at once and answers false below.
            const now = clock.now();
            const slot = Math.max(now, lastSlot + spacingMs);
            if (slot > notAfterMs)
                return false;
            lastSlot = slot;
            if (slot > now)
                await sleep(slot - now, signal);
            return !signal.aborted;
        },
    };
}

;// CONCATENATED MODULE: ./src/gate/plan.ts
/** Whether any gate input was set: otherwise the action never writes. */
function gateActive(gate) {
    return gate.commit || gate.abortOn.size > 0 || gate.expectedRows !== undefined;
}
/** The abort-on reason the wait's end matches, if abort-on (or commit) asked for it. */
function abortReasonFor(state, gate) {
    if (state === 'failed' && gate.abortOn.has('failure'))
        return 'failure';
    if (state === 'timed-out' && gate.abortOn.has('timeout'))
        return 'timeout';
    if (state === 'cancelled' && gate.abortOn.has('cancel'))
        return 'cancel';
    return undefined;
}
/**
 * Who an abort goes to: every job last seen pending, importing or
 * uncommitted, in a state the action knows. Failed jobs are over already;
 * completed and committing ones cannot be taken back (Milvus refuses); a job
 * never read, or in an unknown state, is not written to on a guess.
 */
function abortTargets(statuses) {
    const targets = [];
    const leftAlone = [];
    for (const status of statuses) {
        const { job } = status;
        if (job === undefined) {
            leftAlone.push({ jobId: status.jobId, why: 'its state was never read' });
        }
        else if (job.unknownState !== undefined) {
            leftAlone.push({ jobId: status.jobId, why: `its state "${job.unknownState}" is unknown` });
        }
        else if (job.state === 'failed') {
            leftAlone.push({ jobId: status.jobId, why: 'it failed: none of its data is visible' });
        }
        else if (job.state === 'completed') {
            leftAlone.push({ jobId: status.jobId, why: 'it completed: its data is visible' });
        }
        else if (job.state === 'committing') {
            leftAlone.push({ jobId: status.jobId, why: 'it is committing: its data becomes visible' });
        }
        else {
            targets.push(status.jobId);
        }
    }
    return { targets, leftAlone };
}
/**
 * Jobs that reached Completed while the gate held the others: created with
 * auto-commit (or committed by someone else), their data is visible
 * whatever the gate does.
 */
function autoCommittedJobs(statuses) {
    return statuses.filter((s) => s.job?.state === 'completed').map((s) => s.jobId);
}
/** Jobs to commit: those waiting at Uncommitted, in the order given. */
function commitTargets(statuses) {
    return statuses.filter((s) => s.job?.state === 'uncommitted').map((s) => s.jobId);
}

;// CONCATENATED MODULE: ./src/gate/rows.ts
/**
 * The rows a job brought in: importedRows (Milvus), else totalRows (Zilliz
 * Cloud reports only that); undefined when the API reported neither.
 */
function jobRows(job) {
    return job.importedRows ?? job.totalRows;
}
/** The expected-rows check over every job's count. */
function checkRows(jobs, expected) {
    const uncounted = jobs.filter((job) => jobRows(job) === undefined).map((job) => job.jobId);
    const imported = uncounted.length > 0 ? undefined : jobs.reduce((sum, job) => sum + (jobRows(job) ?? 0), 0);
    const passed = imported !== undefined &&
        (expected.atLeast ? imported >= expected.count : imported === expected.count);
    return { expected, imported, passed, uncounted };
}

;// CONCATENATED MODULE: ./src/gate/writes.ts
/**
 * Sending one commit or abort: bounded in time, sent again after a transient
 * fault (the server takes a repeated commit or abort as the same call), never
 * after a refusal. Knows no HTTP and no runner: the call, clock and sleep are
 * injected, and every answer is reported through onWrite.
 */


const MARKS = {
    commit: { done: 'committed', not: 'commit-failed' },
    abort: { done: 'aborted', not: 'abort-refused' },
};
/**
 * The signal for one attempt: it fires cancelGraceMs after a cancel (at once
 * counted from the attempt's start when the cancel came first). `release`
 * removes the listener, so hundreds of writes leave none behind.
 */
function attemptSignal(deps, limits) {
    const stop = new AbortController();
    const { cancel } = limits;
    if (cancel === undefined)
        return { signal: stop.signal, release: () => undefined };
    const cutAfterGrace = () => {
        void deps.sleep(limits.cancelGraceMs ?? 0, stop.signal).then(() => {
            stop.abort();
        });
    };
    if (cancel.aborted)
        cutAfterGrace();
    else
        cancel.addEventListener('abort', cutAfterGrace, { once: true });
    return {
        signal: stop.signal,
        release: () => {
            cancel.removeEventListener('abort', cutAfterGrace);
            // Ends a grace sleep still pending: nothing is left to cut.
            stop.abort();
        },
    };
}
/**
 * Sends the call until it is answered, refused, out of attempts or out of
 * time. Never throws: the record says what happened.
 */
async function sendWrite(call, jobId, deps, limits) {
    const marks = MARKS[call];
    const settle = (record, attempt) => {
        deps.onWrite?.({ call, jobId, attempt, settled: record });
        return record;
    };
    const cancelled = () => limits.cancel?.aborted === true;
    let lastFault = 'no time was left to send it';
    const never = new AbortController().signal;
    for (let attempt = 1; attempt <= limits.attempts; attempt += 1) {
        // The first attempt goes out even after a cancel (an abort on cancel is one); no retry does.
        if (attempt > 1 && cancelled())
            break;
        if (limits.limiter !== undefined && !(await limits.limiter.acquire(limits.deadline, never))) {
            break;
        }
        const timeoutMs = Math.min(limits.requestTimeoutMs, limits.deadline - deps.clock.now());
        if (timeoutMs <= 0)
            break;
        const { signal, release } = attemptSignal(deps, limits);
        try {
            const answer = await deps.write(call, jobId, { signal, timeoutMs });
            const record = {
                call,
                mark: answer.kind === 'done' ? marks.done : marks.not,
                answer: answer.said,
            };
            if (answer.kind === 'unsupported')
                record.unsupported = true;
            return settle(record, attempt);
        }
        catch (error) {
            if (error instanceof AbortedError) {
                // Cut short after a cancel: the server may or may not have acted.
                lastFault = 'the run was cancelled before an answer came';
                break;
            }
            if (!(error instanceof TransientError)) {
                // A refused key or permission, a redirect: sending it again will not help.
                const why = error instanceof PermanentError
                    ? error.message
                    : `Unexpected error: ${errorMessage(error)}`;
                return settle({ call, mark: marks.not, answer: why }, attempt);
            }
            lastFault = error.message;
            const now = deps.clock.now();
            const delay = backoffDelay(attempt, limits.backoff, deps.random(), error.retryAfterMs);
            const again = attempt < limits.attempts && now + delay < limits.deadline && !cancelled();
            deps.onWrite?.({
                call,
                jobId,
                attempt,
                fault: error.message,
                ...(again ? { retryInMs: delay } : {}),
            });
            if (!again)
                break;
            // A cancel ends the back-off at once; the loop then stops.
            await deps.sleep(delay, limits.cancel ?? never);
        }
        finally {
            release();
        }
    }
    return settle({ call, mark: marks.not, answer: `no answer: ${lastFault}`, unanswered: true }, limits.attempts);
}

;// CONCATENATED MODULE: ./src/gate/gate.ts






const GATE_LIMITS = {
    /** Per write request. */
    requestTimeoutMs: 30_000,
    /** A commit is sent at most this often (a transient fault sends it again). */
    commitAttempts: 4,
    /** After the commits, committed jobs get at least this long to reach Completed. */
    commitSettleMinMs: 120_000,
    /** All aborts together, after a failure or a timeout. */
    abortBudgetMs: 30_000,
    /**
     * All aborts together after a cancel, and the most any write under way
     * still gets once a cancel came: the runner sends SIGTERM 7.5 s after
     * SIGINT and kills 2.5 s later; the report is written before any write.
     */
    cancelAbortBudgetMs: 5_000,
    abortAttempts: 3,
    /** Aborts start at most 5 a second, as polls do (wait.ts POLL_DEFAULTS). */
    requestSpacingMs: 200,
};
/** The outcome after the gate: the wait's, with what the gate checked, wrote and saw. */
async function runGate(seen, settings, deps, timing) {
    const gate = {
        mode: settings.commit ? 'commit' : 'abort',
        autoCommitted: settings.commit ? autoCommittedJobs(seen.jobs) : [],
        notCommitted: [],
        abortTargets: [],
        leftAlone: [],
    };
    const outcome = { ...seen, jobs: seen.jobs.map((s) => ({ ...s })), gate };
    const done = seen.state === 'completed' || seen.state === 'uncommitted';
    if (done && settings.expectedRows !== undefined) {
        gate.rows = checkRows(outcome.jobs.map(lastKnownJob), settings.expectedRows);
        if (!gate.rows.passed)
            outcome.state = 'failed';
    }
    const rowsFailed = gate.rows?.passed === false;
    const reason = rowsFailed
        ? settings.abortOn.has('failure')
            ? 'rows'
            : undefined
        : abortReasonFor(seen.state, settings);
    if (reason !== undefined) {
        await abortAll(outcome, reason, deps);
    }
    else if (settings.commit && done) {
        await commitAll(outcome, settings, deps, timing);
    }
    outcome.elapsedMs = deps.clock.now() - timing.startedAt;
    return outcome;
}
function statusOf(outcome, jobId) {
    // Every ID the gate writes to comes from outcome.jobs.
    return outcome.jobs.find((s) => s.jobId === jobId);
}
function record(outcome, jobId, write) {
    const status = statusOf(outcome, jobId);
    status.writes = [...(status.writes ?? []), write];
}
/** Outputs and summary before the first write; at most once a run. */
async function reportFirst(outcome, deps) {
    if (outcome.jobs.some((s) => s.writes !== undefined))
        return;
    await deps.beforeWrites?.(outcome);
}
/** A job whose commit got no answer may be committed: it is not aborted on a guess. */
const commitUnanswered = (status) => status.writes?.some((w) => w.call === 'commit' && w.unanswered === true) === true;
/** Aborts every job that can still be discarded, in parallel, within the budget. */
async function abortAll(outcome, reason, deps) {
    const gate = outcome.gate;
    const { targets: candidates, leftAlone } = abortTargets(outcome.jobs);
    const unknown = outcome.jobs.filter(commitUnanswered).map((s) => s.jobId);
    const targets = candidates.filter((id) => !unknown.includes(id));
    for (const jobId of unknown) {
        leftAlone.push({ jobId, why: 'its commit got no answer: it may be committed' });
    }
    gate.abortReason = reason;
    gate.abortTargets = targets;
    gate.leftAlone = leftAlone;
    if (targets.length === 0)
        return;
    await reportFirst(outcome, deps);
    const budget = reason === 'cancel' ? GATE_LIMITS.cancelAbortBudgetMs : GATE_LIMITS.abortBudgetMs;
    const limits = {
        deadline: deps.clock.now() + budget,
        attempts: GATE_LIMITS.abortAttempts,
        requestTimeoutMs: GATE_LIMITS.requestTimeoutMs,
        backoff: { baseMs: 250, maxMs: 2_000 },
        cancel: deps.signal,
        cancelGraceMs: GATE_LIMITS.cancelAbortBudgetMs,
        // The poll loop's 5 requests/s: hundreds of aborts must not trip the server's limiter.
        limiter: createRateLimiter(GATE_LIMITS.requestSpacingMs, deps.clock, deps.sleep),
    };
    await Promise.all(targets.map(async (jobId) => {
        record(outcome, jobId, await sendWrite('abort', jobId, deps, limits));
    }));
}
/**
 * Commits the held jobs one by one, then waits until the committed ones are
 * Completed. A failed commit stops the rest; see the module comment.
 */
async function commitAll(outcome, settings, deps, timing) {
    const gate = outcome.gate;
    const targets = commitTargets(outcome.jobs);
    const committed = [];
    for (const [index, jobId] of targets.entries()) {
        if (deps.signal.aborted) {
            gate.notCommitted = targets.slice(index);
            break;
        }
        await reportFirst(outcome, deps);
        const write = await sendWrite('commit', jobId, deps, {
            deadline: deps.clock.now() + GATE_LIMITS.commitAttempts * GATE_LIMITS.requestTimeoutMs,
            attempts: GATE_LIMITS.commitAttempts,
            requestTimeoutMs: GATE_LIMITS.requestTimeoutMs,
            backoff: DEFAULT_BACKOFF,
            cancel: deps.signal,
            cancelGraceMs: GATE_LIMITS.cancelAbortBudgetMs,
        });
        record(outcome, jobId, write);
        if (write.mark !== 'committed') {
            gate.notCommitted = targets.slice(index + 1);
            break;
        }
        committed.push(jobId);
    }
    const stopped = committed.length < targets.length;
    if (committed.length === 0 && stopped) {
        // Nothing became visible: keep it so, and leave nothing held behind.
        if (!deps.signal.aborted) {
            outcome.state = 'error';
            await abortAll(outcome, 'commit', deps);
        }
        else {
            outcome.state = 'cancelled';
            if (settings.abortOn.has('cancel'))
                await abortAll(outcome, 'cancel', deps);
        }
        return;
    }
    if (committed.length === 0)
        return;
    const settleMs = Math.max(timing.deadline - deps.clock.now(), GATE_LIMITS.commitSettleMinMs);
    const after = await deps.waitCommitted(committed, settleMs);
    // The second wait's reading replaces the first's, writes kept.
    outcome.jobs = outcome.jobs.map((status) => {
        const seen = after.jobs.find((s) => s.jobId === status.jobId);
        return seen === undefined ? status : { ...seen, writes: status.writes ?? [] };
    });
    const cancelled = deps.signal.aborted;
    if (after.state === 'failed')
        outcome.state = 'failed';
    else if (cancelled)
        outcome.state = 'cancelled';
    else if (stopped)
        outcome.state = 'error';
    else
        outcome.state = after.state === 'uncommitted' ? 'timed-out' : after.state;
}

;// CONCATENATED MODULE: ./src/report/format.ts
/** Small, pure formatters shared by the log, summary and output renderers. */

const BINARY_UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
/** 19599887 -> "18.7 MiB" (binary units, one decimal). */
function formatBytes(bytes) {
    if (bytes < 1024)
        return `${bytes} B`;
    let value = bytes;
    let unit = 'B';
    for (const next of BINARY_UNITS) {
        if (value < 1024)
            break;
        value /= 1024;
        unit = next;
    }
    return `${value.toFixed(1)} ${unit}`;
}
/** 42.5 -> "42.5%", 100 -> "100%". Input already has at most one decimal. */
function formatPercent(percent) {
    return `${Number(percent.toFixed(1))}%`;
}
/** 65_000 -> "1m 05s"; 3_725_000 -> "1h 02m 05s"; 4_000 -> "4s". */
function formatDuration(ms) {
    const total = Math.floor(Math.max(0, ms) / 1000);
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    const pad = (n) => String(n).padStart(2, '0');
    if (h > 0)
        return `${h}h ${pad(m)}m ${pad(s)}s`;
    if (m > 0)
        return `${m}m ${pad(s)}s`;
    return `${s}s`;
}
/**
 * Row counts for people: imported / total when both are known ("12,345 /
 * 100,000"); only a total (Zilliz Cloud v2) is "100,000 rows", or "100,000
 * rows imported" once the job or file is done.
 */
function formatRowCounts(imported, total, done) {
    if (imported === undefined && total !== undefined) {
        return `${thousands(total)} rows${done ? ' imported' : ''}`;
    }
    return formatRows(imported, total);
}
/** Imported / total rows, "-" for an unknown side: 12345, 100000 -> "12,345 / 100,000". */
function formatRows(imported, total) {
    const show = (n) => (n === undefined ? '-' : thousands(n));
    return `${show(imported)} / ${show(total)}`;
}

;// CONCATENATED MODULE: ./src/report/rows.ts

const rows = (count) => `${thousands(count)} rows`;
/** "exactly 1,000 rows" or "at least 1 row", as expected-rows asked. */
function expectedText(expected) {
    const count = expected.count === 1 ? '1 row' : rows(expected.count);
    return `${expected.atLeast ? 'at least' : 'exactly'} ${count}`;
}
/** Why a row check failed, or what it found, in one sentence. */
function rowCheckText(check) {
    const wanted = `expected-rows asked for ${expectedText(check.expected)}`;
    if (check.imported === undefined) {
        return `${wanted}, but the API reported no row count for job ${check.uncounted.join(', ')}, so the rows cannot be checked.`;
    }
    const verdict = check.passed ? 'as expected' : 'a mismatch';
    return `${wanted}; the jobs imported ${rows(check.imported)}: ${verdict}.`;
}
/**
 * A job done (completed or uncommitted) with 0 rows, or with fewer rows
 * imported than the files held: a success that may not be one.
 */
function rowWarnings(jobs) {
    const warnings = [];
    for (const job of jobs) {
        if (job.state !== 'completed' && job.state !== 'uncommitted')
            continue;
        const { importedRows, totalRows } = job;
        if (totalRows === 0 || (totalRows === undefined && importedRows === 0)) {
            warnings.push(`Job ${job.jobId} finished with 0 rows: a success that may not be one. Check its files, or set expected-rows to fail the step on it.`);
        }
        else if (importedRows !== undefined && totalRows !== undefined && importedRows < totalRows) {
            warnings.push(`Job ${job.jobId} finished with ${rows(importedRows)} imported of ${rows(totalRows)} read: a success that may not be one. Set expected-rows to fail the step on it.`);
        }
    }
    return warnings;
}

;// CONCATENATED MODULE: ./src/report/gate.ts



function visibilityOf(status) {
    const writes = status.writes ?? [];
    const last = writes.at(-1);
    if (last?.mark === 'aborted')
        return 'discarded';
    const state = status.job?.state;
    if (state === 'completed')
        return 'visible';
    if (state === 'failed')
        return 'not visible';
    if (state === 'committing' || last?.mark === 'committed')
        return 'becoming visible';
    // A commit with no answer may have gone through.
    if (writes.some((w) => w.call === 'commit' && w.unanswered === true))
        return 'unknown';
    // A held job whose abort was refused (not for want of the call) may be
    // committing by another hand: Milvus refuses to abort only those.
    const refused = last?.mark === 'abort-refused' && last.unsupported !== true;
    if (state === 'uncommitted')
        return refused && last.unanswered !== true ? 'unknown' : 'held';
    if (state === undefined || status.job?.unknownState !== undefined)
        return 'unknown';
    // Pending or importing: not visible yet (an auto-commit job becomes visible when it completes).
    return 'importing';
}
/** "a, b and 3 more": job IDs, at most ten named. */
function jobList(ids, max = 10) {
    const shown = ids.slice(0, max);
    const more = ids.length - shown.length;
    if (more > 0)
        return `${shown.join(', ')} and ${more} more`;
    if (shown.length <= 1)
        return shown.join('');
    return `${shown.slice(0, -1).join(', ')} and ${shown.at(-1) ?? ''}`;
}
function byVisibility(outcome) {
    const groups = {
        visible: [],
        'becoming visible': [],
        held: [],
        discarded: [],
        importing: [],
        'not visible': [],
        unknown: [],
    };
    for (const status of outcome.jobs)
        groups[visibilityOf(status)].push(status.jobId);
    return groups;
}
const REASON_TEXT = {
    failure: 'a job failed',
    rows: 'the row check failed',
    timeout: 'the timeout passed',
    cancel: 'the run was cancelled',
    commit: 'a commit did not go through',
};
/** Each group of jobs in words. */
function groupTexts(groups) {
    const are = (ids) => (ids.length === 1 ? 'is' : 'are');
    const texts = [];
    const { visible, held, discarded, importing, unknown } = groups;
    const committing = groups['becoming visible'];
    const notVisible = groups['not visible'];
    if (visible.length > 0)
        texts.push(`the data of ${jobList(visible)} is visible`);
    if (committing.length > 0) {
        texts.push(`${jobList(committing)} ${are(committing)} committed and becoming visible`);
    }
    if (held.length > 0) {
        const them = held.length === 1 ? 'it' : 'them';
        texts.push(`${jobList(held)} ${are(held)} held, not visible (commit or abort ${them})`);
    }
    if (discarded.length > 0)
        texts.push(`${jobList(discarded)} ${are(discarded)} aborted`);
    if (importing.length > 0) {
        texts.push(`${jobList(importing)} ${are(importing)} still importing, not visible yet`);
    }
    if (notVisible.length > 0)
        texts.push(`${jobList(notVisible)} ${are(notVisible)} not visible`);
    if (unknown.length > 0) {
        texts.push(`whether ${jobList(unknown)} ${are(unknown)} visible is not known`);
    }
    return texts;
}
/**
 * The gate's result in a sentence, for the summary's lead and the verdict:
 * all committed; none visible; or, when it was not all or nothing, exactly
 * where each job's data stands. Undefined when the gate has nothing to say.
 */
function gateHeadline(outcome) {
    const { gate } = outcome;
    if (gate === undefined)
        return undefined;
    const groups = byVisibility(outcome);
    const wrote = outcome.jobs.some((s) => (s.writes ?? []).length > 0);
    const reason = gate.abortReason === undefined ? '' : ` (${REASON_TEXT[gate.abortReason]})`;
    const all = outcome.jobs.length;
    if (gate.mode === 'abort') {
        return wrote ? `After the aborts${reason}: ${groupTexts(groups).join('; ')}.` : undefined;
    }
    const visible = groups.visible.length + groups['becoming visible'].length;
    if (visible === all) {
        if (!wrote)
            return undefined;
        const committing = groups['becoming visible'].length;
        const tail = committing > 0 ? `; ${committing} still committing when the wait ended` : '';
        return `All or nothing: all ${all} ${all === 1 ? 'job' : 'jobs'} committed; their data is visible${tail}.`;
    }
    if (!wrote && gate.abortReason === undefined && groups.held.length === 0)
        return undefined;
    const mayShow = visible + groups.unknown.length + groups.importing.length;
    if (mayShow === 0) {
        return `All or nothing: none of the data became visible${reason}: ${groupTexts(groups).join('; ')}.`;
    }
    return `Not all or nothing: ${groupTexts(groups).join('; ')}.`;
}
/** What a write did, in a sentence with the server's answer. */
function writeText(jobId, write) {
    const what = write.call === 'commit' ? 'Commit' : 'Abort';
    const answer = clip(write.answer, 400);
    if (write.unsupported === true) {
        return `${what} of job ${jobId}: this server has no two-phase import (${answer}), so nothing was ${write.call === 'commit' ? 'committed' : 'discarded'} by this call.`;
    }
    if (write.unanswered === true) {
        return `${what} of job ${jobId}: ${answer}; whether it took effect is not known.`;
    }
    const result = {
        committed: 'committed',
        'commit-failed': 'refused',
        aborted: 'aborted',
        'abort-refused': 'refused',
    };
    return `${what} of job ${jobId}: ${result[write.mark]} (${answer}).`;
}
/**
 * Everything else the user needs to know: the row check, auto-committed
 * jobs, each write, commits not sent, jobs not aborted and why. The log
 * (forLog) leaves out the writes and auto-committed jobs: it told of each
 * as it happened.
 */
function gateNotes(outcome, forLog = false) {
    const { gate } = outcome;
    if (gate === undefined)
        return [];
    const notes = [];
    if (gate.rows !== undefined)
        notes.push(rowCheckText(gate.rows));
    if (!forLog && gate.autoCommitted.length > 0)
        notes.push(autoCommitNote(gate.autoCommitted));
    for (const status of forLog ? [] : outcome.jobs) {
        for (const write of status.writes ?? [])
            notes.push(writeText(status.jobId, write));
    }
    if (gate.notCommitted.length > 0) {
        notes.push(`Not sent: the commit of ${jobList(gate.notCommitted)} (commits stop at the first that fails, or at a cancel).`);
    }
    if (gate.abortReason !== undefined) {
        for (const left of gate.leftAlone)
            notes.push(`Not aborted: job ${left.jobId} (${left.why}).`);
    }
    return notes;
}
/** A job that completed while the gate held the others: visible whatever happens. */
function autoCommitNote(jobIds) {
    const one = jobIds.length === 1;
    return (`${one ? 'Job' : 'Jobs'} ${jobList(jobIds)} reached Completed without waiting at Uncommitted: ` +
        `${one ? 'it was' : 'they were'} created with auto-commit, so ${one ? 'its' : 'their'} data is visible whatever happens to the others. ` +
        'To hold jobs for this gate, create them with "options": {"auto_commit": "false"}.');
}
/**
 * Why the gate failed the step, for the verdict: a row mismatch, or a commit
 * that did not go through. Undefined when the gate did not fail it.
 */
function gateFailure(outcome) {
    const { gate } = outcome;
    if (gate === undefined)
        return undefined;
    if (gate.rows !== undefined && !gate.rows.passed) {
        return `The row check failed: ${rowCheckText(gate.rows)}`;
    }
    for (const status of outcome.jobs) {
        const write = status.writes?.find((w) => w.mark === 'commit-failed');
        if (write !== undefined) {
            const lead = write.unanswered === true ? 'A commit got no answer.' : 'The commit did not go through.';
            return `${lead} ${writeText(status.jobId, write)}`;
        }
    }
    return undefined;
}
/** A log line for one commit or abort attempt: sent again after a fault, or settled. */
function writeEventLine(event) {
    if (event.settled !== undefined)
        return writeText(event.jobId, event.settled);
    const what = event.call === 'commit' ? 'Commit' : 'Abort';
    const again = event.retryInMs === undefined
        ? 'not sent again'
        : `sending it again in ${event.retryInMs < 10_000 ? `${(event.retryInMs / 1000).toFixed(1)}s` : formatDuration(event.retryInMs)}`;
    return `${what} of job ${event.jobId}, attempt ${event.attempt}: ${clip(event.fault ?? '', 400)}; ${again}.`;
}

;// CONCATENATED MODULE: ./src/report/explain.ts
/**
 * The failure explainer: an error text (an import's job or file error, or
 * the refusal that kept a job from being checked) → the family it belongs to
 * and what to do about it. Pure and table-driven; the patterns come from the
 * texts Milvus and Zilliz Cloud really send (docs/api-notes.md, "Why imports
 * fail"). Never mislabels: a pattern names the cause, never only the step
 * that failed ("failed to get file size of" wraps any storage error); a text
 * that matches no family gets no label; and near misses are tested.
 */
/** The `errorKind` values of the `jobs` output, one per family. */
const ERROR_KINDS = [
    'file-not-found',
    'schema-mismatch',
    'capacity',
    'access',
    'job-gone',
];
/**
 * Milvus's own objects (binlogs, index files, mmap files): a missing one is
 * the server's trouble, not a file the user gave.
 */
const MILVUS_OWN_OBJECTS = /\b(insert_log|stats_log|delta_log|bm25_stats|index_files)\/|\/mmap\//i;
const on = (match, unless) => (unless ? { match, unless } : { match });
const FAMILIES = {
    'file-not-found': {
        title: 'files not found',
        hint: {
            Milvus: 'Milvus reads import paths relative to its own bucket and root path (minio.bucketName, ' +
                'minio.rootPath): upload the files into that bucket through the object-store API and give ' +
                'their keys without the bucket or an s3:// prefix.',
            'Zilliz Cloud': "Check each file's object URL: the object must exist at that path, and the credentials given " +
                'with the import must be allowed to read it (on S3: s3:GetObject, s3:ListBucket, ' +
                's3:GetBucketLocation).',
        },
        patterns: [
            on(/the specified key does not exist/i, MILVUS_OWN_OBJECTS),
            on(/\bNoSuchKey\b/, MILVUS_OWN_OBJECTS),
            on(/\bNoSuchBucket\b/),
            on(/no such file or directory/i, MILVUS_OWN_OBJECTS),
            on(/key not found\[key=/i, MILVUS_OWN_OBJECTS),
            on(/bucket not found/i),
            on(/no (insert )?binlogs? to import/i),
            on(/no file to import/i),
        ],
    },
    'schema-mismatch': {
        title: "the files do not match the collection's schema",
        hint: {
            Milvus: schemaHint(),
            'Zilliz Cloud': schemaHint(),
        },
        patterns: [
            on(/is not defined in (collection )?schema/i),
            on(/value of field '[^']*' is missed/i),
            on(/not in arrow schema/i),
            on(/is not in schema, if it's a dynamic field/i),
            on(/no parquet field for milvus file/i),
            on(/no file for field: /i),
            on(/there is multi field with name/i),
            on(/expected (dim|shape) '\d+' for /i),
            on(/not aligned->\w*Vector/i),
            on(/expected (element )?type '[^']*' (for|in) /i),
            on(/expect '[^']*' type for field '/i),
            on(/type mis-match, milvus data type/i),
            on(/illegal value for dynamic field/i),
            on(/duplicated key is not allowed, key=/i),
            on(/explicit specification of '\$meta' is not allowed/i),
            on(/is auto-generated, no need to provide/i),
            on(/not allowed to provide data for \w+ function output field/i),
            on(/exceeds max_(length|capacity) \d/i),
            on(/doesn't equal to vector dimension/i),
        ],
    },
    capacity: {
        title: 'a capacity limit',
        hint: {
            Milvus: 'The server is at a limit: wait for running imports to finish (dataCoord.import.maxImportJobNum ' +
                'caps the jobs not yet finished), free disk or raise the disk quota (quotaAndLimits), keep files ' +
                'under the size and count limits (dataNode.import.maxImportFileSizeInGB, ' +
                'dataCoord.import.maxImportFileNumPerReq) by splitting the import, then try again.',
            'Zilliz Cloud': 'The cluster is at a limit: wait for running imports to finish, keep files under the import ' +
                'limits of your plan by splitting the import, or scale the cluster for more storage; then try again.',
        },
        patterns: [
            on(/disk quota exceeded/i),
            on(/quota exceeded\[reason=/i),
            on(/number of jobs has reached the limit/i),
            on(/max number of import files should not exceed/i),
            on(/file size has reached the maximum limit/i),
            on(/memory limit exceeded\[/i),
            on(/import task queue max size is \d/i),
        ],
    },
    access: {
        title: 'permission or database',
        hint: {
            Milvus: 'The job, or its collection, is in another database, or the user may not import there: set ' +
                '"db-name" to the database the import ran in, and grant the Import privilege on it (Milvus RBAC).',
            'Zilliz Cloud': "The API key may not act on this cluster: use a key whose scope covers the cluster's project, " +
                'check "cluster-id", and set "db-name" when the import ran outside the default database.',
        },
        patterns: [
            on(/permission deny/i),
            on(/\bPermissionDenied\b/),
            on(/privilege not permitted/i),
            on(/database not found\[/i),
            on(/collection not found\[database=/i),
            on(/you don't have permission for this (cluster|project)/i),
        ],
    },
    'job-gone': {
        title: 'the job is gone',
        hint: {
            Milvus: 'Milvus forgets a finished job after dataCoord.import.taskRetention (3 hours by default in 2.4 ' +
                'and 2.5), so a re-run long after the import asks for a job that is gone: look in the ' +
                'collection for the data instead. Otherwise check "job-id" and "db-name".',
            'Zilliz Cloud': 'Zilliz Cloud does not know this job on this cluster: check "job-id" and "cluster-id"; if the ' +
                'import ran long ago, look in the collection for the data instead.',
        },
        patterns: [
            on(/import job does not exist, jobID=/i),
            on(/job not found\. please check your request parameter/i),
            on(/import task id doesn't exist/i),
        ],
    },
};
function schemaHint() {
    return ("Compare the files with the collection's schema (describe the collection): every field it needs, " +
        'no field it lacks unless the dynamic field is on ($meta), the same vector dimension and types. ' +
        'Regenerate the files (BulkWriter uses the schema) or change the collection; import does not adapt either.');
}
/**
 * An object store's own XML error (`<Error><Code>NoSuchBucket</Code>`) is the
 * answer of whatever the endpoint points at, quoted in the action's fault,
 * not an import's reason: it says nothing of the import's files.
 */
const OBJECT_STORE_ANSWER = /<\?xml|<Code>/i;
/** The family of an error text, or undefined when it matches none (then it is shown as it is). */
function explainError(text, server = 'Zilliz Cloud') {
    if (OBJECT_STORE_ANSWER.test(text))
        return undefined;
    for (const kind of ERROR_KINDS) {
        const family = FAMILIES[kind];
        const matches = ({ match, unless }) => match.test(text) && !(unless?.test(text) ?? false);
        if (family.patterns.some(matches)) {
            return { kind, title: family.title, hint: family.hint[server] };
        }
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/report/log.ts
/** Log lines, annotations and the final verdict, as pure functions of events and outcomes. */






function describeApi(target) {
    return target.api === 'v1' ? 'Zilliz Cloud v1 API' : `${target.product} v2 API`;
}
/** The first line: what is waited for, where, and how. */
function startLine(settings) {
    const { target } = settings;
    const jobs = settings.jobIds.length === 1 ? 'job' : 'jobs';
    const cluster = target.clusterId === undefined ? '' : ` on cluster ${target.clusterId}`;
    const database = target.api === 'v2' && target.dbName !== undefined ? ` in database ${target.dbName}` : '';
    // The certificate is only offered in a TLS session: say so only where there is one.
    const certificate = settings.clientCert !== undefined && target.baseUrl.protocol === 'https:'
        ? ', with a client certificate'
        : '';
    const what = settings.collection === undefined
        ? `${settings.jobIds.length} import ${jobs} (${settings.jobIds.join(', ')})`
        : `the unfinished import jobs of collection ${settings.collection.name}`;
    return (`Waiting for ${what}${cluster}${database} ` +
        `via the ${describeApi(target)} at ${target.baseUrl.host}: timeout ${formatDuration(settings.timeoutMs)}, ` +
        `poll every ${formatDuration(settings.pollIntervalMs)}${certificate}.${gatePlan(settings)}`);
}
/** What the gate inputs ask for, so the log says up front that the action may write. */
function gatePlan({ gate }) {
    const parts = [];
    if (gate.commit)
        parts.push('then commit every job once all are Uncommitted (all or nothing)');
    const abortOn = [...gate.abortOn].filter((reason) => !(gate.commit && reason === 'failure'));
    if (gate.commit)
        parts.push(`abort them all on a failure${abortOn.length > 0 ? ` or ${abortOn.join(' or ')}` : ''}`);
    else if (abortOn.length > 0)
        parts.push(`abort the jobs still running or held on ${abortOn.join(' or ')}`);
    if (gate.expectedRows !== undefined) {
        parts.push(`expect ${expectedText(gate.expectedRows)} over all jobs`);
    }
    return parts.length === 0 ? '' : ` Gate: ${parts.join('; ')}.`;
}
/**
 * One info line when a job's state, progress or files-done count changed;
 * else nothing. `gateCommits`: commit is true, so a held job waits for the
 * action's own commit, not the user's. `phaseOf`: names the phase where the
 * API's number tells it (Milvus).
 */
function updateLine(event, gateCommits = false, phaseOf) {
    const { job, previous } = event;
    if (previous !== undefined &&
        previous.state === job.state &&
        previous.progress === job.progress &&
        filesDone(previous) === filesDone(job)) {
        return undefined;
    }
    const notes = [
        phaseOf?.(job),
        job.progressLastSeen === true ? 'the last progress seen before the failure' : undefined,
        job.files.length > 0 ? `${filesDone(job)}/${job.files.length} files done` : undefined,
    ].filter((note) => note !== undefined);
    const noted = notes.length > 0 ? ` (${notes.join('; ')})` : '';
    const waiting = gateCommits
        ? '; held, not visible, until every job is ready to commit'
        : `; the data is imported but not visible until the job is committed (${COMMIT_CALL})`;
    const uncommitted = job.state === 'uncommitted' ? waiting : '';
    return `Job ${job.jobId}: ${job.state} ${formatPercent(job.progress)}${noted}, ${formatDuration(event.elapsedMs)} elapsed${uncommitted}`;
}
/**
 * "retrying: <reason>" lines for reasons the server gives while it goes on
 * (Milvus retrying a task): one per reason that is new since the last answer.
 */
function retryingLines(event) {
    const { job, previous } = event;
    const lines = [];
    if (job.retrying !== undefined && job.retrying !== previous?.retrying) {
        lines.push(`Job ${job.jobId}: retrying: ${clip(job.retrying, 1_000)}`);
    }
    const before = new Map(previous?.files.map((file) => [file.fileName, file.retrying]));
    for (const file of job.files) {
        if (file.retrying === undefined || before.get(file.fileName) === file.retrying)
            continue;
        lines.push(`Job ${job.jobId}: ${shortFileName(file.fileName)} retrying: ${clip(file.retrying, 1_000)}`);
    }
    return lines;
}
/** A retry, as an info line: a blip that recovers is not worth a yellow annotation. */
function retryLine(event) {
    if (event.retryAfterMs !== undefined) {
        return (`Job ${event.jobId}: ${event.reason}; the server asked to come back after ` +
            `${formatDuration(event.retryAfterMs)}, past the timeout: not polling it again`);
    }
    const seconds = Number((event.delayMs / 1000).toFixed(1));
    return `Job ${event.jobId}: ${event.reason}; retry ${event.attempt} in ${seconds}s`;
}
/** Polls failing this many times in a row earn one warning: the fault is no blip. */
const PERSISTENT_FAULT_ATTEMPTS = 3;
/** The one warning for a fault that persists, on the retry that makes it persistent. */
function persistentFaultWarning(event) {
    // After a Retry-After past the deadline nothing is retried: the verdict says why.
    if (event.attempt !== PERSISTENT_FAULT_ATTEMPTS || event.retryAfterMs !== undefined) {
        return undefined;
    }
    return `Job ${event.jobId}: ${event.attempt} polls in a row failed (last: ${event.reason}); still retrying until the timeout.`;
}
/**
 * GitHub shows 10 error and 10 warning annotations per step; later ones are
 * dropped. The final verdict counts, and must be the one that always shows.
 */
const ANNOTATION_LIMIT = 10;
/** A file's name for a one-line place: its start and its own name, the middle cut. */
function shortFileName(fileName, max = 120) {
    return clipMiddle(fileName, max);
}
/**
 * One error annotation per import error (job or file), titled with its name,
 * at most ANNOTATION_LIMIT - 1 of them with the verdict; when there are more,
 * the last place says how many more the job summary lists.
 */
function failureAnnotations(outcome, server) {
    const annotations = [];
    for (const status of outcome.jobs) {
        if (status.job === undefined)
            continue;
        for (const error of jobErrors(status.job)) {
            const place = error.fileName === undefined
                ? `Job ${error.jobId}`
                : `Job ${error.jobId}: ${shortFileName(error.fileName)}`;
            const explained = explainError(error.message, server);
            annotations.push({
                title: explained === undefined ? place : `${place} (${explained.title})`,
                message: `${clip(error.message, 2_000)}${whatToDo(explained)}`,
            });
        }
    }
    const room = ANNOTATION_LIMIT - 1;
    if (annotations.length <= room)
        return annotations;
    const shown = annotations.slice(0, room - 1);
    const more = annotations.length - shown.length;
    return [
        ...shown,
        {
            title: 'More errors',
            message: `${more} more errors are listed in the job summary ("What failed").`,
        },
    ];
}
/** " What to do: ..." for an error the explainer knows; "" for any other. */
function whatToDo(explained) {
    return explained === undefined ? '' : ` What to do: ${explained.hint}`;
}
function stateOf(job) {
    return job?.state ?? 'no answer yet';
}
function pending(outcome) {
    const open = outcome.jobs.filter((status) => status.job?.state !== 'completed');
    const shown = open.slice(0, 5).map((s) => {
        const failing = s.lastError === undefined ? '' : ` (last poll: ${clip(s.lastError, 300)})`;
        return `${s.jobId} ${stateOf(s.job)} ${formatPercent(s.job?.progress ?? 0)}${failing}`;
    });
    const more = open.length > shown.length ? ` and ${open.length - shown.length} more` : '';
    return `${shown.join(', ')}${more}`;
}
/** "1 file of job J", "3 files of 2 jobs", "job J": who reported the import errors. */
function whoFailed(outcome) {
    const errors = outcome.jobs.flatMap((status) => status.job === undefined ? [] : jobErrors(status.job));
    const files = errors.filter((error) => error.fileName !== undefined).length;
    const jobs = [...new Set(errors.map((error) => error.jobId))];
    const ofJobs = jobs.length === 1 ? `job ${jobs[0] ?? ''}` : `${jobs.length} jobs`;
    if (files === 0)
        return `${ofJobs} reported ${errors.length === 1 ? 'an error' : 'errors'}`;
    return `${files === 1 ? '1 file' : `${files} files`} of ${ofJobs} reported ${files === 1 ? 'an error' : 'errors'}`;
}
/** The longest Retry-After a server gave past the deadline, if any. */
function askedToComeBack(outcome) {
    const asked = outcome.jobs.flatMap((s) => (s.retryAfterMs === undefined ? [] : [s.retryAfterMs]));
    return asked.length === 0 ? undefined : Math.max(...asked);
}
/** "; the server asked to come back after 1h, past the timeout" when it did. */
function comeBackNote(outcome) {
    const asked = askedToComeBack(outcome);
    return asked === undefined
        ? ''
        : `; the server asked to come back after ${formatDuration(asked)}, past the timeout, so it was not asked again`;
}
/**
 * Why no job was ever answered, from how the polls failed: nothing reached
 * the host; the host answered, only with errors worth retrying; or both.
 */
function whyNoAnswer(outcome, api, waited) {
    const failing = outcome.jobs.filter((status) => status.lastError !== undefined);
    const lastError = clip(failing[0]?.lastError ?? '', 600);
    const answered = failing.reduce((n, s) => n + (s.faults?.answered ?? 0), 0);
    const silent = failing.reduce((n, s) => n + (s.faults?.silent ?? 0), 0);
    const unpolled = outcome.jobs.length - failing.length;
    const notPolled = unpolled === 0
        ? ''
        : ` (${unpolled} of ${outcome.jobs.length} jobs were not polled before the timeout)`;
    if (answered === 0) {
        return (`never reached ${api.host} in ${waited}: ${lastError}${notPolled}. Check the network, ` +
            'the proxy (https_proxy) and the "endpoint" input; a longer "timeout" will not help');
    }
    const asked = askedToComeBack(outcome);
    const advice = asked === undefined
        ? "The API is reachable but did not serve these requests; if this lasts, check the service's status"
        : `It asked to come back after ${formatDuration(asked)}, past the timeout: a longer "timeout" lets the action wait for that`;
    if (silent > 0) {
        return (`could not get an answer from ${api.host} in ${waited}: ${silent} polls got no answer at all and ` +
            `${answered} only errors to retry (last: ${lastError})${notPolled}. ${advice}`);
    }
    const kinds = [
        ...new Set(failing.flatMap((s) => (s.lastAnswer === undefined ? [] : [s.lastAnswer]))),
    ];
    const what = kinds.length === 0 ? 'errors' : kinds.slice(0, 3).join(' or ');
    return `${api.product} answered every poll with ${what} for ${waited} (last: ${lastError})${notPolled}. ${advice}`;
}
/** Why the action could not tell how the import went, in one line. */
function whyUnknown(outcome, api, waited) {
    const problems = outcome.jobs.filter((status) => status.problem !== undefined);
    const [first] = problems;
    if (first?.problem !== undefined) {
        const more = problems.length > 1 ? ` (${problems.length - 1} more jobs could not be checked either)` : '';
        return `${clip(first.problem, 1_500)}${more}${whatToDo(explainError(first.problem, api.server))}`;
    }
    return whyNoAnswer(outcome, api, waited);
}
function verdict(outcome, failOnTimeout, api) {
    const base = waitVerdict(outcome, failOnTimeout, api);
    const headline = gateHeadline(outcome);
    return headline === undefined ? base : { ...base, message: `${base.message} ${headline}` };
}
function waitVerdict(outcome, failOnTimeout, api) {
    const gateFailed = gateFailure(outcome);
    if (gateFailed !== undefined && (outcome.state === 'failed' || outcome.state === 'error')) {
        return { level: 'failure', message: gateFailed };
    }
    const count = outcome.jobs.length;
    const jobsWord = count === 1 ? '1 import job' : `${count} import jobs`;
    const waited = formatDuration(outcome.elapsedMs);
    switch (outcome.state) {
        case 'completed': {
            // A completed run's only writes are its commits (aborts come with other states).
            const committed = outcome.jobs.some((s) => s.writes !== undefined);
            const done = committed ? 'committed and completed' : 'completed';
            return { level: 'success', message: `${jobsWord} ${done} after ${waited}.` };
        }
        case 'uncommitted': {
            const waiting = outcome.jobs
                .filter((status) => status.job?.state === 'uncommitted')
                .map((status) => status.jobId);
            const shown = waiting.slice(0, 5).join(', ');
            const more = waiting.length > 5 ? ` and ${waiting.length - 5} more` : '';
            return {
                level: 'success',
                message: `${jobsWord} imported after ${waited}; not committed yet: ${shown}${more}. ` +
                    `The data is imported but not visible until each job is committed (${COMMIT_CALL}).`,
            };
        }
        case 'failed':
            // The errors themselves are in the annotations above and the summary: not repeated here.
            return {
                level: 'failure',
                message: `The import failed: ${whoFailed(outcome)} (annotated above, all of them listed in the job summary). Fix the data and import again.`,
            };
        case 'error':
            return {
                level: 'failure',
                message: `Could not check the import: ${whyUnknown(outcome, api, waited)}`,
            };
        case 'timed-out': {
            const progress = formatPercent(overallProgress(outcome.jobs.map(lastKnownJob)));
            const message = `Timed out after ${waited} at ${progress} overall; still running: ${pending(outcome)}${comeBackNote(outcome)}.`;
            return failOnTimeout
                ? { level: 'failure', message }
                : { level: 'warning', message: `${message} Passing because fail-on-timeout is false.` };
        }
        case 'cancelled':
            return {
                level: 'failure',
                message: `Cancelled after ${waited}; last known: ${pending(outcome)}.`,
            };
    }
}
/**
 * One warning when the wait ended while polls were still failing and the
 * verdict does not say so itself (it does for a timeout or an error).
 */
function endedWhileRetrying(outcome) {
    if (outcome.state === 'timed-out' || outcome.state === 'error')
        return undefined;
    const failing = outcome.jobs.filter((status) => status.lastError !== undefined);
    const [first] = failing;
    if (first?.lastError === undefined)
        return undefined;
    const others = failing.length > 1 ? ` (and ${failing.length - 1} more jobs)` : '';
    return `Polls of job ${first.jobId}${others} were still failing when the wait ended: ${clip(first.lastError, 600)}`;
}

;// CONCATENATED MODULE: ./src/report/budget.ts
/** Choosing what fits in a byte budget, shared by the summary and the jobs output. */
/**
 * Indices of the items to keep: lowest rank first (ties in original order),
 * each kept while its size still fits in what is left of `budget`. The set
 * iterates in that order.
 */
function fitByRank(items, rank, size, budget) {
    const order = items.map((_, i) => i);
    const ranks = items.map(rank);
    // sort() is stable: ties keep their original order.
    order.sort((a, b) => (ranks[a] ?? 0) - (ranks[b] ?? 0));
    const kept = new Set();
    let used = 0;
    for (const i of order) {
        const cost = size(items[i], i);
        if (used + cost > budget)
            break;
        kept.add(i);
        used += cost;
    }
    return kept;
}
const byteLength = (text) => Buffer.byteLength(text, 'utf8');

;// CONCATENATED MODULE: ./src/report/outputs.ts
/**
 * The step's outputs, as strings. Pure. The `jobs` JSON is kept under a byte
 * budget: later steps often pass it through an environment variable, and
 * Linux refuses any single one over 128 KiB.
 */





const JOBS_OUTPUT_MAX_BYTES = 100_000;
/**
 * Longest text kept in one value, in characters. Server text has no upper
 * bound, and one 150 kB error must not push every job out of `jobs`.
 */
const TEXT_LIMITS = {
    errorMessage: 2_000,
    fileName: 1_000,
    collectionName: 256,
    completeTime: 64,
    /** The collection-name output: all names, joined. */
    collections: 4_000,
};
/** The family of an error, from its whole text (before any clipping), or null. */
function kindOf(error) {
    return error === undefined ? null : (explainError(error)?.kind ?? null);
}
/** Text clipped to its limit (saying so), or null when absent. */
function outputs_text(value, limit) {
    return value === undefined ? null : clipNoted(value, limit);
}
function fileEntry(file) {
    return {
        fileName: clipNoted(file.fileName, TEXT_LIMITS.fileName),
        fileSize: file.fileSize ?? null,
        progress: file.progress,
        completeTime: outputs_text(file.completeTime, TEXT_LIMITS.completeTime),
        errorMessage: outputs_text(file.errorMessage, TEXT_LIMITS.errorMessage),
        errorKind: kindOf(file.errorMessage),
        importedRows: file.importedRows ?? null,
        totalRows: file.totalRows ?? null,
    };
}
function firstError(status) {
    return (status.problem ?? (status.job === undefined ? undefined : jobErrors(status.job)[0]?.message));
}
/** A job's entry; with `withDetails` false, its details are left empty (the header alone). */
function jobEntry(status, withDetails = true) {
    const job = status.job;
    const error = firstError(status);
    const entry = {
        jobId: status.jobId,
        state: job?.state ?? 'unknown',
        progress: job?.progress ?? 0,
        collectionName: outputs_text(job?.collectionName, TEXT_LIMITS.collectionName),
        completeTime: outputs_text(job?.completeTime, TEXT_LIMITS.completeTime),
        errorMessage: outputs_text(error, TEXT_LIMITS.errorMessage),
        errorKind: kindOf(error),
        fileSize: job?.fileSize ?? null,
        importedRows: job?.importedRows ?? null,
        totalRows: job?.totalRows ?? null,
        details: withDetails ? (job?.files.map(fileEntry) ?? []) : [],
    };
    if (job?.progressLastSeen === true)
        entry.progressLastSeen = true;
    const write = status.writes?.at(-1);
    if (write !== undefined)
        entry.commit = write.mark;
    return entry;
}
/** A value's size as the JSON text the output holds. */
const jsonBytes = (value) => byteLength(JSON.stringify(value));
/**
 * Files with errors are kept first when details must be cut. An entry is
 * made only for a file that is measured (in rank order, up to the first that
 * does not fit): 1,000 files with room for 20 make about 21 entries, not 1,000.
 */
function keepDetails(files, budget) {
    const made = new Map();
    const entryAt = (file, i) => {
        let entry = made.get(i);
        if (entry === undefined) {
            entry = fileEntry(file);
            made.set(i, entry);
        }
        return entry;
    };
    const kept = fitByRank(files, (file) => (file.errorMessage === undefined ? 1 : 0), (file, i) => jsonBytes(entryAt(file, i)) + 1, budget);
    return [...kept].sort((a, b) => a - b).map((i) => entryAt(files[i], i));
}
/**
 * The whole array as JSON when it fits the bound, else undefined: built one
 * job at a time, and given up on at the first job past the bound, so 200 jobs
 * of 1,000 files never become one 40 MB string only to be measured.
 */
function wholeIfFits(statuses, maxBytes) {
    const parts = [];
    let bytes = 2; // [ and ]
    for (const status of statuses) {
        const part = JSON.stringify(jobEntry(status));
        bytes += byteLength(part) + (parts.length > 0 ? 1 : 0);
        if (bytes > maxBytes)
            return undefined;
        parts.push(part);
    }
    return `[${parts.join(',')}]`;
}
function boundedJobs(statuses, maxBytes = JOBS_OUTPUT_MAX_BYTES) {
    let detailsOmitted = 0;
    const whole = wholeIfFits(statuses, maxBytes);
    if (whole !== undefined)
        return { json: whole, jobsOmitted: 0, detailsOmitted };
    // Headers (entries without details) come first. Each reserves room for the
    // largest detailsOmitted it could carry: all of its files. A job's file
    // entries are made only when its turn comes, and let go after.
    const bare = statuses.map((status) => ({
        ...jobEntry(status, false),
        detailsOmitted: status.job?.files.length ?? 0,
    }));
    let kept = bare.length;
    while (kept > 0 && jsonBytes(bare.slice(0, kept)) > maxBytes)
        kept -= 1;
    const jobsOmitted = statuses.length - kept;
    let budget = maxBytes - jsonBytes(bare.slice(0, kept));
    const result = statuses.slice(0, kept).map((status, i) => {
        const entry = jobEntry(status, false);
        const files = status.job?.files ?? [];
        const share = Math.floor(budget / (kept - i));
        const details = keepDetails(files, share);
        budget -= jsonBytes(details) - 2; // "[]" was already counted in the bare header
        const omitted = files.length - details.length;
        detailsOmitted += omitted;
        return omitted > 0 ? { ...entry, details, detailsOmitted: omitted } : { ...entry, details };
    });
    for (const status of statuses.slice(kept))
        detailsOmitted += status.job?.files.length ?? 0;
    return { json: JSON.stringify(result), jobsOmitted, detailsOmitted };
}
/** The latest completion time, compared as instants (ISO strings of varying precision). */
function latestTime(times) {
    const instant = (t) => {
        const ms = Date.parse(t);
        return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
    };
    return times.reduce((latest, t) => (instant(t) > instant(latest) ? t : latest), times[0] ?? '');
}
/**
 * The error for the `error-message` output: a job's refusal or import error
 * first; when the API never answered (state error), the last fault, so a
 * later step that tests the output sees the failure.
 */
function outcomeError(outcome) {
    const first = outcome.jobs.map(firstError).find((e) => e !== undefined);
    if (first !== undefined)
        return first;
    // A row mismatch or a commit that did not go through, with what is visible now.
    const gate = gateFailure(outcome);
    const headline = gateHeadline(outcome);
    if (gate !== undefined)
        return [gate, headline].filter((t) => t !== undefined).join(' ');
    // A partial state however it came about (a cancel between commits) is worth a later step's eyes.
    if (headline?.startsWith('Not all or nothing') === true)
        return headline;
    if (outcome.state !== 'error')
        return '';
    return outcome.jobs.find((status) => status.lastError !== undefined)?.lastError ?? '';
}
/**
 * Every output when the action stopped before it could wait (refused inputs,
 * an unexpected error): state error and the message, and the rest as for no
 * jobs, so a later step's fromJSON(jobs) still reads `[]`.
 */
function stoppedOutputValues(message) {
    return {
        ...outputValues({ state: 'error', jobs: [], elapsedMs: 0 }).values,
        'error-message': clipNoted(message, TEXT_LIMITS.errorMessage),
    };
}
function outputValues(outcome) {
    const jobs = outcome.jobs.map(lastKnownJob);
    const collections = [
        ...new Set(jobs.map((job) => job.collectionName).filter((n) => n !== undefined)),
    ];
    const completeTimes = jobs.map((job) => job.completeTime).filter((t) => t !== undefined);
    const { json, jobsOmitted, detailsOmitted } = boundedJobs(outcome.jobs);
    return {
        values: {
            state: outcome.state,
            progress: String(overallProgress(jobs)),
            'collection-name': clipNoted(collections.map((name) => clipNoted(name, TEXT_LIMITS.collectionName)).join(','), TEXT_LIMITS.collections),
            // A job can finish (readyPercentage 1) before its completeTime is filled in: use those given.
            'complete-time': outcome.state === 'completed'
                ? clipNoted(latestTime(completeTimes), TEXT_LIMITS.completeTime)
                : '',
            'error-message': clipNoted(outcomeError(outcome), TEXT_LIMITS.errorMessage),
            'elapsed-seconds': String(Math.floor(outcome.elapsedMs / 1000)),
            jobs: json,
        },
        jobsOmitted,
        detailsOmitted,
    };
}

;// CONCATENATED MODULE: ./src/report/history.ts
/**
 * At most this many points per job. Progress has a thousand steps (0.1%), so
 * only a job whose progress goes back and forth gets here; it is then thinned
 * to every other point, its first and last kept.
 */
const HISTORY_MAX_POINTS = 1_000;
function createHistory(maxPoints = HISTORY_MAX_POINTS) {
    const jobs = new Map();
    return {
        record({ jobId, job, elapsedMs }) {
            let seen = jobs.get(jobId);
            if (seen === undefined) {
                seen = { points: [], answers: 0 };
                jobs.set(jobId, seen);
            }
            seen.answers += 1;
            if (seen.points.at(-1)?.progress === job.progress)
                return;
            seen.points.push({ atMs: elapsedMs, progress: job.progress });
            if (seen.points.length > maxPoints)
                seen.points = thin(seen.points);
        },
        snapshot() {
            return new Map([...jobs].map(([jobId, seen]) => [
                jobId,
                { points: [...seen.points], answers: seen.answers },
            ]));
        },
    };
}
/** Every other point, keeping the first and the last (the start and where it stands). */
function thin(points) {
    const last = points.at(-1);
    const kept = points.filter((_, i) => i % 2 === 0);
    if (last !== undefined && kept.at(-1) !== last)
        kept.push(last);
    return kept;
}

;// CONCATENATED MODULE: ./src/memory.ts
/**
 * Keeps V8's young generation at its starting size once a run turns out large.
 *
 * A large run (200 jobs of 1,000 files) keeps every job's file records until
 * the summary is written. While objects keep surviving, V8 grows its young
 * generation, two semi-spaces, up to 16 MiB each, and those 32 MiB stay
 * resident to the end: a quarter of the peak RSS (docs/benchmarks.md, "Scale").
 * A growth factor of 1 keeps each semi-space at its first size (1 MiB); the
 * cost is smaller, more frequent scavenges, which a poller waiting on a 5
 * requests/s cap does not notice. An action cannot pass --max-semi-space-size
 * (Node reads it only at start), but V8 reads the growth factor each time it
 * would grow, and Node supports setting flags at run time (v8.setFlagsFromString).
 *
 * Loading node:v8 costs about 1 ms, so a small run never loads it: the switch is
 * made once the answers have carried LARGE_RUN_FILES file records.
 */
/** File records seen (over every answer) that make a run large. */
const LARGE_RUN_FILES = 1_000;
const KEEP_YOUNG_GENERATION_SMALL = '--semi-space-growth-factor=1';
const setV8Flags = async (flags) => {
    const v8 = await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 877, 23));
    v8.setFlagsFromString(flags);
};
/**
 * A counter to call with the number of file records in each answer: the first
 * call that brings the total to LARGE_RUN_FILES sets the flag, once.
 */
function youngGenerationGuard(setFlags = setV8Flags) {
    let seen = 0;
    return (files) => {
        const before = seen;
        seen += files;
        if (before < LARGE_RUN_FILES && seen >= LARGE_RUN_FILES) {
            // Memory tuning is never worth failing a run for: a Node that refuses the flag only uses more memory.
            setFlags(KEEP_YOUNG_GENERATION_SMALL).catch(() => undefined);
        }
    };
}

;// CONCATENATED MODULE: ./src/report/phase.ts
/**
 * The progress each phase may show, [lowest, highest]: Milvus 2.5 and later
 * (V1 jobs), except that writing runs to 89 because early 2.4 writes rows up
 * to 89 (its import band is 50-100, rows 80% of it).
 */
const MILVUS_BANDS = {
    'pre-importing': [10, 40],
    'writing the data': [40, 89],
    sorting: [70, 79],
    'building indexes': [80, 90],
};
const inBand = (progress, [low, high]) => progress >= low && progress <= high;
const milvusPhase = (job) => {
    const { state, progress, importedRows, totalRows } = job;
    if (state === 'pending')
        return 'queued';
    // A state this action does not know (read as importing) is not one whose bands are known.
    if (state !== 'importing' || job.unknownState !== undefined)
        return undefined;
    // Pre-import reports no rows; writing reports some; every later stage reports all of them.
    if (totalRows === undefined || totalRows === 0) {
        return inBand(progress, MILVUS_BANDS['pre-importing']) ? 'pre-importing' : undefined;
    }
    if (importedRows === undefined)
        return undefined;
    if (importedRows < totalRows) {
        return inBand(progress, MILVUS_BANDS['writing the data']) ? 'writing the data' : undefined;
    }
    if (importedRows > totalRows)
        return undefined;
    if (inBand(progress, MILVUS_BANDS.sorting))
        return 'sorting';
    // 91-100 is not named: 99 is a commit on the 2.7/3.0 line, but early 2.4's last segments.
    return inBand(progress, MILVUS_BANDS['building indexes']) ? 'building indexes' : undefined;
};

;// CONCATENATED MODULE: ./src/report/plateau.ts
/**
 * Imports can sit at one progress value for a long time, most of all while
 * Milvus builds indexes (80-90%). After five minutes without change this
 * says, once, that this is no hang, so nobody cancels a healthy import; on
 * Milvus it names the phase (src/report/phase.ts) and what happens in it.
 * It never fails anything. A small state machine fed by the poll loop's
 * update events; no I/O.
 */


const PLATEAU_MS = 5 * 60_000;
/** What a Milvus job does in each phase, and why it can take long there. */
const PHASE_NOTES = {
    queued: 'It waits for a slot: Milvus runs a limited number of imports at a time.',
    'pre-importing': 'Milvus reads and checks the files before importing them.',
    'writing the data': 'Milvus writes the rows; large files take a while.',
    sorting: 'Milvus sorts the imported data by primary key.',
    'building indexes': 'Every file is imported; Milvus builds the indexes on the new data, which takes long for large collections.',
};
/** Without a phase (Zilliz Cloud, the v1 API) nothing is guessed about the stage. */
const NO_PHASE_NOTE = 'Imports can stay at one value for a long time while a stage runs.';
function createPlateauWatcher(thresholdMs = PLATEAU_MS, phaseOf) {
    const since = new Map();
    return ({ job, elapsedMs }) => {
        const seen = since.get(job.jobId);
        if (seen === undefined || seen.progress !== job.progress || isSettled(job.state)) {
            since.set(job.jobId, { progress: job.progress, atMs: elapsedMs, told: false });
            return undefined;
        }
        if (seen.told || elapsedMs - seen.atMs < thresholdMs)
            return undefined;
        seen.told = true;
        const phase = phaseOf?.(job);
        const where = phase === undefined ? '' : ` (${phase})`;
        return (`Job ${job.jobId} has stayed at ${formatPercent(job.progress)}${where} for ${formatDuration(elapsedMs - seen.atMs)}. ` +
            `${phase === undefined ? NO_PHASE_NOTE : PHASE_NOTES[phase]} This is not a hang: waiting goes on until the timeout.`);
    };
}

;// CONCATENATED MODULE: ./src/report/chart.ts
/**
 * Progress over time as a mermaid `xychart-beta`, which GitHub draws in job
 * summaries: one line per job up to CHART_MAX_LINES jobs, the overall
 * progress beyond that; a failed job's line is red. Pure. The chart
 * holds only the action's own numbers and words; job IDs (the user's text)
 * go in the HTML legend under it, escaped: the mermaid GitHub runs draws no
 * legend for xychart lines (one came in mermaid 11.17, and is turned off here
 * so every version shows the same), and its parser has no escape for a quote.
 *
 * Each line is a step line through the recorded points (src/report/history.ts):
 * the value at a time is the last answer before it, so a plateau draws flat
 * and a job with no answer yet sits at 0.
 */



/** One line per job up to this many jobs ("a handful"); one overall line beyond. */
const CHART_MAX_LINES = 5;
/** Points per line: enough to see a plateau, few enough to stay small (about 2 kB a chart). */
const CHART_POINTS = 61;
/** Beyond CHART_MAX_LINES jobs, this many failed jobs get their own line; the rest are counted. */
const CHART_FAILURES_NAMED = 3;
/** A chart needs at least this many answers for some job: two points say nothing of time. */
const CHART_MIN_ANSWERS = 3;
/**
 * Line colours, in the order of the legend's squares. They are the colours
 * of the emoji squares (🟦 🟧 🟩 🟪 🟫) that name each line under the chart.
 */
const LINE_COLOURS = [
    { colour: '#55acee', square: '🟦' },
    { colour: '#f4900c', square: '🟧' },
    { colour: '#78b159', square: '🟩' },
    { colour: '#aa8ed6', square: '🟪' },
    { colour: '#c1694f', square: '🟫' },
];
const FAILURE = { colour: '#dd2e44', square: '🟥' };
/** The time axis' unit: seconds for short runs, minutes, then hours. */
function timeUnit(totalMs) {
    if (totalMs <= 3 * 60_000)
        return { name: 'seconds', ms: 1_000 };
    if (totalMs <= 3 * 3_600_000)
        return { name: 'minutes', ms: 60_000 };
    return { name: 'hours', ms: 3_600_000 };
}
/** A number as mermaid reads it: at most one decimal, no exponent (String(-0) is "0"). */
const num = (value) => String(Math.round(value * 10) / 10);
/** The step line's value at a time: the last point at or before it, else 0. */
function progressAt(points, atMs) {
    let value = 0;
    for (const point of points) {
        if (point.atMs > atMs)
            break;
        value = point.progress;
    }
    return value;
}
/** A job's line: the step line through its points at each time of the axis. */
const valuesOf = (jobId, history, times) => times.map((t) => progressAt(history.get(jobId)?.points ?? [], t));
/**
 * A failed job's line is red, and the legend says when it failed. The line
 * keeps its last value to the end of the axis (xychart has no gaps); with
 * fail-fast the wait ends there, so its last step is the failure.
 */
function failedSeries(status, history, times) {
    const atMs = status.settledAfterMs ?? history.get(status.jobId)?.points.at(-1)?.atMs;
    const when = atMs === undefined ? '' : ` after ${formatDuration(atMs)}`;
    return {
        values: valuesOf(status.jobId, history, times),
        ...FAILURE,
        label: `<code>${escapeHtml(status.jobId)}</code>, failed${when}`,
    };
}
const failed = (status) => status.job?.state === 'failed';
/** The lines to draw, and legend notes that have no line. */
function seriesOf(statuses, history, times) {
    if (statuses.length <= CHART_MAX_LINES) {
        let next = 0;
        const series = statuses.map((status) => {
            if (failed(status))
                return failedSeries(status, history, times);
            const colour = LINE_COLOURS[next++ % LINE_COLOURS.length] ?? LINE_COLOURS[0];
            const values = valuesOf(status.jobId, history, times);
            return { values, ...colour, label: `<code>${escapeHtml(status.jobId)}</code>` };
        });
        return { series, notes: [] };
    }
    // Beyond a handful of lines nobody can tell them apart: one line, weighted as the
    // summary's, and the failed jobs' own red lines (the first few), so a failure shows where.
    const sized = statuses.map(lastKnownJob);
    const overall = times.map((t) => overallProgress(sized.map((job) => ({
        ...job,
        progress: progressAt(history.get(job.jobId)?.points ?? [], t),
    }))));
    const failures = statuses.filter(failed);
    const shown = failures.slice(0, CHART_FAILURES_NAMED);
    const more = failures.length - shown.length;
    return {
        series: [
            {
                values: overall,
                ...LINE_COLOURS[0],
                label: `overall progress of the ${thousands(statuses.length)} jobs`,
            },
            ...shown.map((status) => failedSeries(status, history, times)),
        ],
        notes: more > 0 ? [`${thousands(more)} more jobs failed (not drawn)`] : [],
    };
}
/**
 * The chart and its legend, as markdown for the summary (a fenced mermaid
 * block between blank lines, so GitHub ends the HTML before it), or "" when
 * the run was too short to draw: fewer than CHART_MIN_ANSWERS answers for
 * every job, or no time passed.
 */
function progressChart(outcome, history) {
    const totalMs = outcome.elapsedMs;
    const answers = Math.max(0, ...[...history.values()].map((seen) => seen.answers));
    if (answers < CHART_MIN_ANSWERS || outcome.jobs.length === 0)
        return '';
    const unit = timeUnit(totalMs);
    const axisEnd = num(totalMs / unit.ms);
    // An axis from 0 to 0 draws nothing useful (no time passed, or a few milliseconds).
    if (axisEnd === '0')
        return '';
    const step = totalMs / (CHART_POINTS - 1);
    const times = Array.from({ length: CHART_POINTS }, (_, i) => i * step);
    const { series, notes } = seriesOf(outcome.jobs, history, times);
    const lines = [
        '---',
        'config:',
        '  xyChart:',
        '    width: 900',
        '    height: 320',
        '    showLegend: false',
        '  themeVariables:',
        '    xyChart:',
        `      plotColorPalette: "${series.map((line) => line.colour).join(', ')}"`,
        '---',
        'xychart-beta',
        `  x-axis "${unit.name} since the start" 0 --> ${axisEnd}`,
        '  y-axis "progress (%)" 0 --> 100',
        ...series.map((line) => `  line [${line.values.map(num).join(', ')}]`),
    ];
    const legend = [...series.map((line) => `${line.square} ${line.label}`), ...notes];
    return ('<h3>Progress over time</h3>\n\n' +
        '```mermaid\n' +
        `${lines.join('\n')}\n` +
        '```\n\n' +
        `<p>${legend.join(' · ')}</p>\n`);
}

;// CONCATENATED MODULE: ./src/report/found.ts

/** Job IDs named in one line or paragraph; the rest are counted. */
const NAMED_MAX = 20;
function named(ids) {
    const shown = ids.slice(0, NAMED_MAX).join(', ');
    const rest = ids.length - NAMED_MAX;
    return rest > 0 ? `${shown} and ${rest} more` : shown;
}
function finishedPart(finished) {
    if (finished.length === 0)
        return '';
    const byState = new Map();
    for (const job of finished)
        byState.set(job.state, (byState.get(job.state) ?? 0) + 1);
    const counts = [...byState].map(([state, count]) => `${count} ${state}`).join(', ');
    const failed = finished.some((job) => job.state === 'failed');
    const note = failed ? '; an earlier failure does not fail this step' : '';
    return ` Already finished, not waited for: ${counts} (${named(finished.map((job) => job.jobId))})${note}.`;
}
/** What the list found: the jobs waited for by ID, and the finished ones counted by state. */
function foundLine(find) {
    const { collectionName, waited } = find;
    const head = waited.length === 0
        ? `No unfinished import job into collection ${collectionName} was found.`
        : `Found ${waited.length} unfinished import ${waited.length === 1 ? 'job' : 'jobs'} into collection ${collectionName}: ${named(waited)}.`;
    return `${head}${finishedPart(find.finished)}`;
}
/** Nothing to wait for, and require-jobs is off: the step passes and says why. */
function nothingToWaitFor(find) {
    return `Nothing to wait for: no import into collection ${find.collectionName} was running. Set require-jobs: true to fail the step in this case.`;
}
/** Nothing to wait for, and require-jobs is on: the error the step fails with. */
function requiredJobsMissing(find) {
    return `No unfinished import job into collection ${find.collectionName} was found, and require-jobs is true: an import was expected to be running. Check that the import was started, and "collection-name" and "db-name".`;
}
/** The summary's paragraph on what was found (escaped). */
function foundHtml(find) {
    return `<p>${escapeHtml(foundLine(find))}</p>\n`;
}
function listRetryLine(event) {
    return `Listing the import jobs: ${event.reason}; retry ${event.attempt} in ${(event.delayMs / 1000).toFixed(1)}s`;
}
/** Said once, when the rounds stop using the list. */
function fallbackLine(event) {
    return event.why === 'unsupported'
        ? `The list call cannot be used (${event.reason}): each job is described on its own from here, one request per job and poll.`
        : `Each job is described on its own from here: ${event.reason}, no fewer than describing each job.`;
}

;// CONCATENATED MODULE: ./src/report/summary.ts
/**
 * The job summary as HTML (which GitHub renders inside the markdown summary).
 * Pure. Every API-supplied string is escaped, empty cells show "-", and the
 * whole stays under a byte budget: GitHub drops a step summary over 1 MiB.
 * When rows must be cut, files with errors are kept first, then unfinished
 * ones, so the reason a job failed is never what gets cut.
 */









/** Under GitHub's 1 MiB (1,048,576 B) per-step limit, with room to spare. */
const SUMMARY_MAX_BYTES = 1_000_000;
const STATE_LABEL = {
    error: '⚠️ could not check the import',
    completed: '✅ completed',
    uncommitted: '⏸️ imported, not committed',
    failed: '❌ failed',
    'timed-out': '⏱️ timed out',
    cancelled: '🚫 cancelled',
};
/** The heading's state: an error the commit caused says so, not "could not check". */
function stateLabel(outcome) {
    if (outcome.state !== 'error' || gateFailure(outcome) === undefined)
        return STATE_LABEL[outcome.state];
    const visible = outcome.jobs.some((s) => ['visible', 'becoming visible'].includes(visibilityOf(s)));
    return visible ? '⚠️ partly committed' : '⚠️ not committed';
}
const JOB_LABEL = {
    completed: '✅ completed',
    uncommitted: '⏸️ uncommitted',
    committing: '⏩ committing',
    failed: '❌ failed',
    importing: '🔄 importing',
    pending: '⏳ pending',
};
/** A cell; "-" when the value is unknown (the job model keeps no blank text: blank is unknown). */
const cell = (text) => `<td>${text ?? '-'}</td>`;
const tableHead = (withRows) => `<table>\n<thead><tr><th>File</th><th>Size</th><th>Progress</th>${withRows ? '<th>Rows</th>' : ''}` +
    '<th>Completed</th><th>Error</th></tr></thead>\n<tbody>\n';
const TABLE_TAIL = '</tbody>\n</table>\n';
/** Sizes, row counts and times stay on one line however narrow the column. */
const nowrap = (text) => text.replace(/ /g, '&nbsp;');
/** File names in cells and lists: long paths keep their start and the file's own name. */
const fileLabel = (fileName) => escapeHtml(clipMiddle(fileName, 160));
/** Room kept per job for the "N more files not shown" line. */
const CUT_NOTE_RESERVE = 160;
function fileRow(file, withRows) {
    const rows = withRows
        ? cell(hasRowCounts(file)
            ? nowrap(formatRowCounts(file.importedRows, file.totalRows, isDone(file)))
            : undefined)
        : '';
    return ('<tr>' +
        cell(fileLabel(file.fileName)) +
        cell(file.fileSize === undefined ? undefined : nowrap(formatBytes(file.fileSize))) +
        cell(formatPercent(file.progress)) +
        rows +
        cell(file.completeTime === undefined ? undefined : escapeHtml(clip(file.completeTime, 64))) +
        cell(fileNote(file)) +
        '</tr>\n');
}
/** The Error cell: the file's error, or what the server said while it retries the file. */
function fileNote(file) {
    if (file.errorMessage !== undefined)
        return escapeHtml(clip(file.errorMessage, 1_000));
    if (file.retrying !== undefined)
        return `retrying: ${escapeHtml(clip(file.retrying, 1_000))}`;
    return undefined;
}
const UNCOMMITTED_NOTE = 'The data is imported but not visible until the job is committed: call ' +
    `<code>${COMMIT_CALL}</code> with its <code>jobId</code> (or abort it).`;
/** Why a job stopped early: "not checked" needs its reason, and the stopping job's fault. */
function notCheckedReason(status, all) {
    if (status.stoppedBy === undefined)
        return undefined;
    const stopper = all.find((other) => other.jobId === status.stoppedBy);
    const what = stopper?.problem === undefined ? 'failed' : 'could not be checked';
    return `Polling stopped when job <code>${escapeHtml(status.stoppedBy)}</code> ${what}.`;
}
const WRITE_LABEL = {
    committed: '🔓 committed',
    'commit-failed': '⛔ commit failed',
    aborted: '🗑️ aborted',
    'abort-refused': '⛔ abort refused',
};
function jobLabel(status) {
    const write = status.writes?.at(-1);
    const wrote = write === undefined ? '' : ` · ${WRITE_LABEL[write.mark]}`;
    if (status.problem !== undefined)
        return `⚠️ could not check${wrote}`;
    if (status.job === undefined)
        return `❓ not checked${wrote}`;
    return `${JOB_LABEL[status.job.state]}${wrote}`;
}
/** "85% (building indexes)": the phase where the API's number tells it (Milvus). */
function progressText(job, phase) {
    const named = phase?.(job);
    const lastSeen = job.progressLastSeen === true ? 'the last seen before the failure' : undefined;
    const notes = [named, lastSeen].filter((note) => note !== undefined);
    return `${formatPercent(job.progress)}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
}
function jobHeader(status, outcome, phase) {
    const outcomeElapsedMs = outcome.elapsedMs;
    const { job } = status;
    const id = escapeHtml(status.jobId);
    const label = jobLabel(status);
    let html = `<h3>Job <code>${id}</code>: ${label}</h3>\n`;
    if (job !== undefined) {
        const facts = [
            `Collection: ${job.collectionName === undefined ? '-' : `<code>${escapeHtml(clip(job.collectionName, 200))}</code>`}`,
            `Progress: ${progressText(job, phase)}`,
            `Files done: ${filesDone(job)}/${job.files.length}`,
            `Size: ${job.fileSize === undefined ? '-' : nowrap(formatBytes(job.fileSize))}`,
            ...(hasRowCounts(job)
                ? [
                    `Rows: ${nowrap(formatRowCounts(job.importedRows, job.totalRows, job.state === 'completed'))}`,
                ]
                : []),
            `Elapsed: ${formatDuration(status.settledAfterMs ?? outcomeElapsedMs)}`,
        ];
        if (job.completeTime !== undefined)
            facts.push(`Completed: ${escapeHtml(clip(job.completeTime, 64))}`);
        html += `<p>${facts.join(' · ')}</p>\n`;
        if (job.errorMessage !== undefined) {
            html += `<p><strong>Error:</strong> ${escapeHtml(clip(job.errorMessage, 1_000))}</p>\n`;
        }
        if (job.retrying !== undefined) {
            html += `<p><strong>Retrying:</strong> ${escapeHtml(clip(job.retrying, 1_000))}</p>\n`;
        }
        if (job.state === 'uncommitted' && status.writes === undefined) {
            html += `<p>${UNCOMMITTED_NOTE}</p>\n`;
        }
        const stopped = notCheckedReason(status, outcome.jobs);
        if (stopped !== undefined)
            html += `<p>${stopped} This is its last known state.</p>\n`;
    }
    else if (status.problem === undefined) {
        const reason = notCheckedReason(status, outcome.jobs) ?? noAnswerReason(status, outcomeElapsedMs);
        html += `<p>Not checked: ${reason}</p>\n`;
    }
    if (status.lastError !== undefined) {
        html += `<p><strong>Last poll failed:</strong> ${escapeHtml(clip(status.lastError, 1_000))}</p>\n`;
    }
    if (status.retryAfterMs !== undefined) {
        html +=
            `<p>The server asked to come back after ${formatDuration(status.retryAfterMs)}, ` +
                'past the timeout, so it was not asked again.</p>\n';
    }
    if (status.problem !== undefined) {
        html += `<p><strong>Error:</strong> ${escapeHtml(clip(status.problem, 1_000))}</p>\n`;
    }
    return html;
}
/** How the polls of a job that never answered failed: the same words as the verdict's. */
function noAnswerReason(status, elapsedMs) {
    const { answered = 0, silent = 0 } = status.faults ?? {};
    const waited = formatDuration(elapsedMs);
    if (answered === 0)
        return `No answer was received for this job in ${waited}.`;
    if (silent === 0)
        return `The API answered only with errors to retry in ${waited}.`;
    return `In ${waited}, ${silent} polls got no answer at all and ${answered} only errors to retry.`;
}
/** Errors first, then unfinished files, then the rest: the reason a job failed is never cut. */
function rowRank(file) {
    if (file.errorMessage !== undefined)
        return 0;
    return isDone(file) ? 2 : 1;
}
function cutNote(hidden, what) {
    // Rows are cut by rank, errors kept first; jobs are cut from the end of the list.
    const kept = what === 'files' ? ' Files with errors are shown first.' : '';
    return `<p><em>${thousands(hidden)} more ${what} not shown: the summary is kept under 1 MiB.${kept}</em></p>\n`;
}
/**
 * The explainer's family and advice for an error, on a line of its own; ""
 * when none fits. The advice is given once per family (`told`): seven files
 * with the same wrong dimension need it once, then only their family's name.
 */
function summary_whatToDo(error, server, told) {
    const explained = explainError(error, server);
    if (explained === undefined)
        return '';
    const title = escapeHtml(capitalise(explained.title));
    if (told.has(explained.kind))
        return `<br>💡 <strong>${title}</strong> (what to do: above)`;
    told.add(explained.kind);
    return `<br>💡 <strong>${title}:</strong> ${escapeHtml(explained.hint)}`;
}
const capitalise = (text) => text.charAt(0).toUpperCase() + text.slice(1);
/** At most this many entries in "What failed"; then "and N more". */
const WHAT_FAILED_MAX = 20;
/**
 * The list right under the heading: each job or file with its error, and each
 * job that could not be checked, so the answer is at the top however long the
 * tables below are.
 */
function whatFailed(outcome, server) {
    const entries = [];
    const told = new Set();
    for (const status of outcome.jobs) {
        const id = `Job <code>${escapeHtml(status.jobId)}</code>`;
        if (status.problem !== undefined) {
            entries.push(`${id}: could not check: ${escapeHtml(clip(status.problem, 500))}${summary_whatToDo(status.problem, server, told)}`);
        }
        if (status.job === undefined) {
            // The API never answered at all: that is what could not be checked, and why.
            if (outcome.state === 'error' &&
                status.problem === undefined &&
                status.lastError !== undefined) {
                const answer = (status.faults?.answered ?? 0) > 0 ? 'no usable answer' : 'no answer';
                entries.push(`${id}: could not check: ${answer}; last error: ${escapeHtml(clip(status.lastError, 500))}`);
            }
            continue;
        }
        for (const error of jobErrors(status.job)) {
            const where = error.fileName === undefined ? id : `${id}, <code>${fileLabel(error.fileName)}</code>`;
            entries.push(`${where}: ${escapeHtml(clip(error.message, 500))}${summary_whatToDo(error.message, server, told)}`);
        }
    }
    if (entries.length === 0)
        return '';
    const shown = entries.slice(0, WHAT_FAILED_MAX).map((entry) => `<li>${entry}</li>\n`);
    const more = entries.length > WHAT_FAILED_MAX
        ? `<li>and ${thousands(entries.length - WHAT_FAILED_MAX)} more (in the tables below)</li>\n`
        : '';
    return `<h3>What failed</h3>\n<ul>\n${shown.join('')}${more}</ul>\n`;
}
/** At most this many notes in the gate's list; then "and N more". */
const GATE_NOTES_MAX = 30;
/**
 * The gate's result first (what is visible now), then its notes (each write
 * with the server's answer), and any success that may not be one.
 */
function gateSection(outcome) {
    const headline = gateHeadline(outcome);
    const warnings = outcome.gate?.rows === undefined ? rowWarnings(outcome.jobs.map(lastKnownJob)) : [];
    const notes = [...gateNotes(outcome), ...warnings.map((w) => `⚠️ ${w}`)];
    const lead = headline === undefined ? '' : `<p><strong>${escapeHtml(headline)}</strong></p>\n`;
    const shown = notes.slice(0, GATE_NOTES_MAX).map((note) => `<li>${escapeHtml(note)}</li>\n`);
    const more = notes.length > GATE_NOTES_MAX
        ? `<li>and ${notes.length - GATE_NOTES_MAX} more (in the log)</li>\n`
        : '';
    return `${lead}${notes.length === 0 ? '' : `<ul>\n${shown.join('')}${more}</ul>\n`}`;
}
const STOP_LEADS = {
    inputs: 'The inputs were refused, so nothing was asked of the API.',
    unexpected: 'The action stopped on an unexpected error before it could report how the import went. ' +
        'This is a bug in the action: please report it with this message.',
    list: 'The import jobs of the collection could not be listed, so nothing was waited for.',
    'no-jobs': 'No import was running to wait for, and require-jobs is true.',
};
function renderStoppedSummary(message, cause) {
    const lead = STOP_LEADS[cause];
    return (`<h2>Zilliz import: ${STATE_LABEL.error}</h2>\n` +
        `<p>${lead}</p>\n` +
        `<p><strong>Error:</strong> ${escapeHtml(clip(message, 2_000))}</p>\n`);
}
function renderSummary(outcome, options = {}) {
    const maxBytes = options.maxBytes ?? SUMMARY_MAX_BYTES;
    const product = options.product === 'Milvus' ? 'Milvus' : 'Zilliz';
    const progress = formatPercent(overallProgress(outcome.jobs.map(lastKnownJob)));
    const count = outcome.jobs.length === 1 ? '1 job' : `${outcome.jobs.length} jobs`;
    let html = `<h2>${product} import: ${stateLabel(outcome)}</h2>\n` +
        `<p>${count} · ${progress} overall · waited ${formatDuration(outcome.elapsedMs)}</p>\n` +
        (outcome.found === undefined ? '' : foundHtml(outcome.found)) +
        gateSection(outcome) +
        whatFailed(outcome, options.server) +
        (options.history === undefined ? '' : progressChart(outcome, options.history));
    const headers = outcome.jobs.map((status) => jobHeader(status, outcome, options.phase));
    // One Rows column for every table when any job reports rows, so all tables look alike.
    const withRows = reportsRows(outcome.jobs.map(lastKnownJob));
    // Every job is charged a table frame and a cut note, used or not: a few hundred bytes of slack.
    const perJob = byteLength(tableHead(withRows) + TABLE_TAIL) + CUT_NOTE_RESERVE;
    const fixed = headers.reduce((sum, header) => sum + byteLength(header) + perJob, byteLength(html));
    if (fixed > maxBytes) {
        // Too many jobs to list even without their files: show as many jobs as fit,
        // each charged as in `fixed`, so at least one is left out and the note counts it.
        let used = byteLength(html);
        let shown = 0;
        for (const header of headers) {
            used += byteLength(header) + perJob;
            if (used > maxBytes)
                break;
            html += header;
            shown += 1;
        }
        return html + cutNote(headers.length - shown, 'jobs');
    }
    let rowBudget = maxBytes - fixed;
    outcome.jobs.forEach((status, jobIndex) => {
        html += headers[jobIndex] ?? '';
        const job = status.job;
        if (job === undefined || job.files.length === 0)
            return;
        // A row is rendered only when measured (rank order, up to the first that does not fit):
        // 200 jobs of 1,000 files with room for 20 rows each render about 4,200 rows, not 200,000.
        const rows = new Map();
        const rowAt = (i) => {
            let row = rows.get(i);
            if (row === undefined) {
                row = fileRow(job.files[i], withRows);
                rows.set(i, row);
            }
            return row;
        };
        // Share what is left evenly among the jobs still to render; unused bytes carry forward.
        const share = Math.floor(rowBudget / (outcome.jobs.length - jobIndex));
        const picked = fitByRank(job.files, rowRank, (_, i) => byteLength(rowAt(i)), share);
        // Shown in the order picked: rank (errors, unfinished, the rest), as the cut note says.
        const body = [...picked].map(rowAt).join('');
        rowBudget -= byteLength(body);
        html += tableHead(withRows) + body + TABLE_TAIL;
        if (picked.size < job.files.length)
            html += cutNote(job.files.length - picked.size, 'files');
    });
    return html;
}

;// CONCATENATED MODULE: ./src/sink.ts

const WORD_JOINER = '\u2060';
/** No workflow command can start in this text: see the module comment. */
function disarm(text) {
    return text.replace(/##\[/g, `#${WORD_JOINER}#[`).replace(/^(\s*)::/, `$1${WORD_JOINER}::`);
}
function createSink(runner, guard) {
    const line = (text) => disarm(guard(printable(text)));
    return {
        info: (text) => {
            runner.info(line(text));
        },
        warning: (text) => {
            runner.warning(line(text));
        },
        error: (text, title) => {
            runner.error(line(text), { title: line(title) });
        },
        debug: (text) => {
            if (runner.isDebug())
                runner.debug(line(text()));
        },
        fail: (text) => {
            runner.setFailed(line(text));
        },
    };
}

;// CONCATENATED MODULE: ./src/time.ts
/** Time as the poll loop sees it: injected, so tests run on a virtual clock. */
const systemClock = { now: () => Date.now() };
/**
 * A Sleep on `timers`. Node's timers run on a monotonic clock and Date.now()
 * floors another, so a timer can fire up to 1 ms before Date.now() has moved
 * on by `ms`. The loop reads the time with Date.now() (systemClock), so a wake
 * that early sleeps again: a sleep to the deadline must not end before it.
 */
function createSleep(timers) {
    return (ms, signal) => new Promise((resolve) => {
        if (signal.aborted) {
            resolve();
            return;
        }
        const wakeAt = timers.now() + ms;
        let timer;
        const onAbort = () => {
            timers.clearTimeout(timer);
            resolve();
        };
        const arm = (delayMs) => {
            timer = timers.setTimeout(() => {
                const left = wakeAt - timers.now();
                if (left > 0) {
                    arm(left);
                    return;
                }
                signal.removeEventListener('abort', onAbort);
                resolve();
            }, delayMs);
        };
        // No time (or less) still waits for the next turn of the event loop: setTimeout takes it as 1 ms.
        arm(ms);
        // An AbortSignal fires 'abort' at most once.
        signal.addEventListener('abort', onAbort);
    });
}
const realSleep = createSleep({
    // The clock the loop reads: a sleep to the deadline ends when that clock says so.
    now: () => systemClock.now(),
    setTimeout: (fire, ms) => setTimeout(fire, ms),
    clearTimeout: (timer) => {
        clearTimeout(timer);
    },
});

;// CONCATENATED MODULE: ./src/version.ts
// Kept in step with package.json by __tests__/version.test.ts; a constant
// rather than a JSON import so the bundle carries no package.json parsing.
const ACTION_NAME = 'zilliz-import-wait';
const ACTION_VERSION = '1.0.0';
const USER_AGENT = `${ACTION_NAME}/${ACTION_VERSION}`;

;// CONCATENATED MODULE: ./src/poll/forecast.ts
/**
 * When will a job reach 100%? Only answered when its progress is steady:
 * the last three samples rising at rates within 25% of each other. Stepped
 * or stalled progress (Milvus stages, index-building plateaus) gives no
 * forecast, so the poll loop keeps its regular interval there. Pure.
 */
/** How far apart two consecutive rates may be and still count as one pace. */
const STEADY_TOLERANCE = 0.25;
function forecastFinish(samples) {
    const [a, b, c] = samples.slice(-3);
    if (a === undefined || b === undefined || c === undefined)
        return undefined;
    if (!(a.atMs < b.atMs && b.atMs < c.atMs))
        return undefined;
    const rate1 = (b.progress - a.progress) / (b.atMs - a.atMs);
    const rate2 = (c.progress - b.progress) / (c.atMs - b.atMs);
    // A steady pace: rates within 25% of the faster one, which must be moving
    // forward (so both are: progress that stalls or goes back has no finish).
    const faster = Math.max(rate1, rate2);
    if (!(faster > 0) || Math.abs(rate2 - rate1) > STEADY_TOLERANCE * faster)
        return undefined;
    const rate = (c.progress - a.progress) / (c.atMs - a.atMs);
    return c.atMs + (100 - c.progress) / rate;
}

;// CONCATENATED MODULE: ./src/poll/wait.ts
/**
 * The poll loop. Given job IDs and a way to fetch one job, it polls every job
 * concurrently until all have settled, one fails (fail fast), a permanent
 * fault occurs, the deadline passes, or the caller cancels. It knows nothing
 * of HTTP or of the runner: time, sleep, randomness and the fetcher are
 * injected, and what happens is reported through events.
 */






const POLL_DEFAULTS = {
    requestTimeoutMs: 30_000,
    minRequestTimeoutMs: 2_000,
    requestSpacingMs: 200,
    /** An early poll comes this long after the forecast finish, to land after it. */
    forecastMarginMs: 250,
};
async function waitForJobs(options) {
    const { clock, sleep, fetchJob } = options;
    const requestTimeoutMs = options.requestTimeoutMs ?? POLL_DEFAULTS.requestTimeoutMs;
    const minRequestTimeoutMs = options.minRequestTimeoutMs ?? POLL_DEFAULTS.minRequestTimeoutMs;
    const backoff = options.backoff ?? DEFAULT_BACKOFF;
    const emit = options.onEvent ?? (() => undefined);
    const holds = options.uncommittedSettles !== false;
    /** Done waiting: settled, and Uncommitted only where it counts (see uncommittedSettles). */
    const done = (state) => isSettled(state) && (holds || state !== 'uncommitted');
    const startedAt = options.startedAt ?? clock.now();
    const deadline = clock.now() + options.timeoutMs;
    // Fail-fast stops every other job's loop (and aborts its request in flight).
    const failFast = new AbortController();
    const stop = AbortSignal.any([options.signal, failFast.signal]);
    // Every job's sleep and request listens on this one signal; that is by
    // design, not a leak, so lift Node's warning threshold of 10 listeners.
    (0,external_node_events_namespaceObject.setMaxListeners)(0, stop);
    const spacingMs = options.requestSpacingMs ?? POLL_DEFAULTS.requestSpacingMs;
    const limiter = createRateLimiter(spacingMs, clock, sleep);
    const statuses = options.jobIds.map((jobId) => ({ jobId }));
    const elapsed = () => clock.now() - startedAt;
    // A function, not a property read: the signal can fire during any await.
    const stopped = () => stop.aborted;
    /** Fail fast: stop every other job, remembering which one stopped those still open. */
    function stopOthers(jobId) {
        // Called at most once: once it aborts, every loop sees stopped() before it could call again.
        for (const other of statuses) {
            if (other.jobId !== jobId && (other.job === undefined || !done(other.job.state))) {
                other.stoppedBy = jobId;
            }
        }
        failFast.abort();
    }
    async function pollOne(status) {
        let failures = 0;
        const samples = [];
        // No two forecast polls in a row: a missed forecast falls back to the interval.
        let lastWasForecast = false;
        while (!stopped()) {
            // Once the deadline has come, only a slot free right now is taken: the
            // last poll happens at the deadline, never after a wait past it.
            if (!(await limiter.acquire(Math.max(deadline, clock.now()), stop)))
                return;
            const sentAt = clock.now();
            let nextPollAt;
            try {
                const timeoutMs = Math.min(requestTimeoutMs, Math.max(deadline - sentAt, minRequestTimeoutMs));
                const answer = await fetchJob(status.jobId, { signal: stop, timeoutMs });
                if (stopped())
                    return; // the answer raced a cancel; keep the state we reported
                failures = 0;
                clearFault(status);
                const previous = status.job;
                const job = keepLastProgress(previous, answer);
                status.job = job;
                emit({ kind: 'update', jobId: status.jobId, job, previous, elapsedMs: elapsed() });
                if (done(job.state)) {
                    status.settledAfterMs = elapsed();
                    if (job.state === 'failed')
                        stopOthers(status.jobId);
                    return;
                }
                // Every poll restarts the interval, so no gap is ever longer than it.
                nextPollAt = sentAt + options.pollIntervalMs;
                samples.push({ atMs: sentAt, progress: job.progress });
                if (samples.length > 3)
                    samples.shift();
                const forecastAllowed = options.forecast !== false && !lastWasForecast;
                const finish = forecastAllowed ? forecastFinish(samples) : undefined;
                const early = finish === undefined ? undefined : finish + POLL_DEFAULTS.forecastMarginMs;
                // The rate limiter keeps even an early poll spaced from the one before.
                lastWasForecast = early !== undefined && early < nextPollAt;
                if (early !== undefined && lastWasForecast)
                    nextPollAt = early;
            }
            catch (error) {
                if (stopped() || error instanceof AbortedError)
                    return;
                if (!(error instanceof TransientError)) {
                    // PermanentError, or a bug: either way asking again will not help.
                    status.problem =
                        error instanceof PermanentError
                            ? error.message
                            : `Unexpected error: ${errorMessage(error)}`;
                    stopOthers(status.jobId);
                    return;
                }
                failures += 1;
                recordFault(status, error);
                const now = clock.now();
                if (now >= deadline)
                    return; // the poll at the deadline failed: nothing left to retry in
                const asked = error.retryAfterMs;
                if (asked !== undefined && now + asked > deadline) {
                    // The server asked to come back after the deadline: a poll before then
                    // goes against its explicit wish, so this job waits out the time left.
                    status.retryAfterMs = asked;
                    emit({
                        kind: 'retry',
                        jobId: status.jobId,
                        reason: error.message,
                        attempt: failures,
                        delayMs: deadline - now,
                        elapsedMs: now - startedAt,
                        retryAfterMs: asked,
                    });
                    await sleep(deadline - now, stop);
                    return;
                }
                const retryAt = Math.min(now + backoffDelay(failures, backoff, options.random(), error.retryAfterMs), deadline);
                emit({
                    kind: 'retry',
                    jobId: status.jobId,
                    reason: error.message,
                    attempt: failures,
                    delayMs: retryAt - now,
                    elapsedMs: now - startedAt,
                });
                nextPollAt = retryAt;
            }
            const now = clock.now();
            if (now >= deadline)
                return; // that was the poll at the deadline
            await sleep(Math.min(nextPollAt, deadline) - now, stop);
        }
    }
    await Promise.all(statuses.map(pollOne));
    return {
        state: decideState(statuses, options.signal.aborted),
        jobs: statuses,
        elapsedMs: elapsed(),
    };
}
/** A failed poll on the job's record: its latest fault, and the count by whether the host answered. */
function recordFault(status, error) {
    status.lastError = error.message;
    const faults = (status.faults ??= { answered: 0, silent: 0 });
    if (error.answered === undefined) {
        faults.silent += 1;
        delete status.lastAnswer;
    }
    else {
        faults.answered += 1;
        status.lastAnswer = error.answered;
    }
}
/** A poll that answered clears the record of the faults before it. */
function clearFault(status) {
    delete status.lastError;
    delete status.lastAnswer;
}
/**
 * Failed wins (an import reported an error); then error (the action could not
 * find out: a refusal, an unreadable answer, or no answer ever); then every job
 * done (uncommitted when any waits for its commit, else completed); then
 * cancelled; anything else ran out of time. An import's own error outranks the
 * action's trouble with another job: it is what the user must fix first.
 */
function decideState(statuses, cancelled) {
    if (statuses.some((s) => s.job?.state === 'failed'))
        return 'failed';
    if (statuses.some((s) => s.problem !== undefined))
        return 'error';
    const states = statuses.map((s) => s.job?.state);
    if (states.every((state) => state === 'completed' || state === 'uncommitted')) {
        return states.includes('uncommitted') ? 'uncommitted' : 'completed';
    }
    if (cancelled)
        return 'cancelled';
    return neverAnswered(statuses) ? 'error' : 'timed-out';
}
/**
 * True when no job was ever answered and polls failed: nothing is known of
 * the import. Jobs whose first poll never came (the deadline before their
 * turn under the rate cap) know nothing either, so they do not make it a
 * timeout. (No jobs at all never gets here: decideState calls that completed.)
 */
function neverAnswered(statuses) {
    return (statuses.every((s) => s.job === undefined) && statuses.some((s) => s.lastError !== undefined));
}

;// CONCATENATED MODULE: ./src/poll/rounds.ts
/**
 * List-based polling rounds. One list call a round (a few pages on Zilliz
 * Cloud) sees every job's state at once, so a job's end is seen within one
 * interval however many jobs there are; the 5 requests/s cap made that 40 s
 * at 200 jobs with one describe per job. A job is described (one request) only:
 *
 * - when the list shows it settled: its files and error texts come from the
 *   describe, which has the last word (the list's view stands only when
 *   describes keep failing until the wait ends);
 * - when the list does not show it (the describe says whether it exists);
 * - for its progress, where list records carry none (Zilliz Cloud), in what is
 *   left of a round's budget: never more requests a round than one describe
 *   per open job would have taken (the rate cap's share of an interval).
 *
 * When the list is not there or not readable (ListUnsupportedError, or any
 * refusal: a describe will say what is wrong), or when it costs as many
 * requests as describing every open job, the rest of the wait is one
 * describe per job (wait.ts), said once through a fallback event. Knows
 * nothing of HTTP or the runner; time, sleep and the calls are injected.
 */






/** What a failed list that names no reason is reported with. */
const LIST_NO_REASON = 'failed (the list gave no reason)';
/**
 * Every page of the list, each page a request under the shared rate cap.
 * Returns undefined when the deadline or a cancel comes first.
 */
async function listAllPages(listJobs, request) {
    const jobs = new Map();
    for (let page = 1;; page += 1) {
        if (!(await request.acquire()))
            return undefined;
        const answer = await listJobs(page, {
            signal: request.signal,
            timeoutMs: request.timeoutMs(),
        });
        for (const job of answer.jobs)
            jobs.set(job.jobId, job);
        if (!answer.more)
            return { jobs, pages: page };
    }
}
async function waitInRounds(options) {
    const { clock, sleep } = options;
    const emit = options.onEvent ?? (() => undefined);
    const done = isSettled;
    const startedAt = options.startedAt ?? clock.now();
    const deadline = clock.now() + options.timeoutMs;
    const requestTimeoutMs = options.requestTimeoutMs ?? POLL_DEFAULTS.requestTimeoutMs;
    const minRequestTimeoutMs = options.minRequestTimeoutMs ?? POLL_DEFAULTS.minRequestTimeoutMs;
    const spacingMs = options.requestSpacingMs ?? POLL_DEFAULTS.requestSpacingMs;
    const backoff = options.backoff ?? DEFAULT_BACKOFF;
    const failFast = new AbortController();
    const stop = AbortSignal.any([options.signal, failFast.signal]);
    (0,external_node_events_namespaceObject.setMaxListeners)(0, stop);
    const limiter = createRateLimiter(spacingMs, clock, sleep);
    const statuses = options.jobIds.map((jobId) => ({ jobId }));
    const elapsed = () => clock.now() - startedAt;
    const stopped = () => stop.aborted;
    const acquire = () => limiter.acquire(Math.max(deadline, clock.now()), stop);
    const timeoutMs = () => Math.min(requestTimeoutMs, Math.max(deadline - clock.now(), minRequestTimeoutMs));
    /** What one describe per open job costs a round: the rate cap's share of an interval. */
    const roundBudget = Math.max(1, Math.floor(options.pollIntervalMs / spacingMs));
    /**
     * Requests a describe per open job would have made so far, less those
     * made: what progress describes may spend. Never all of it: a round where
     * every open job settles at once (its pages and a describe each) is held
     * back, so the whole wait never takes more requests than describing each job.
     */
    let credit = 0;
    /** Jobs the list showed settled, not yet described: their list view and when it was seen. */
    const seenSettled = new Map();
    /** Where the progress describes (lists without progress) go on next round. */
    let progressCursor = 0;
    let listFailures = 0;
    let firstList = options.firstList;
    const isOpen = (status) => status.problem === undefined && (status.job === undefined || !done(status.job.state));
    function stopOthers(jobId) {
        // The job that stops the others is not open any more: it failed, or has a problem.
        for (const other of statuses)
            if (isOpen(other))
                other.stoppedBy = jobId;
        failFast.abort();
    }
    /** The answer of a describe, as wait.ts takes one. */
    function take(status, answer) {
        clearFault(status);
        const previous = status.job;
        const job = keepLastProgress(previous, answer);
        status.job = job;
        emit({ kind: 'update', jobId: status.jobId, job, previous, elapsedMs: elapsed() });
        const sight = seenSettled.get(status.jobId);
        seenSettled.delete(status.jobId);
        if (done(job.state)) {
            // Seen settled when the list showed it, if it did: the describe only fetched the details.
            status.settledAfterMs = sight?.atMs ?? elapsed();
            if (job.state === 'failed')
                stopOthers(status.jobId);
        }
    }
    /** One describe; false when the wait is over (cancel, fail fast, deadline). */
    async function describe(status) {
        if (!(await acquire()))
            return false;
        credit -= 1;
        try {
            take(status, await options.fetchJob(status.jobId, { signal: stop, timeoutMs: timeoutMs() }));
        }
        catch (error) {
            // After a cancel or fail fast, what the describe met is moot (an AbortedError, most often).
            if (!stopped())
                noteFailure(status, error);
        }
        return !stopped();
    }
    /** A describe that failed: a fault to note, or a refusal that stops every job. */
    function noteFailure(status, error) {
        if (error instanceof TransientError) {
            // The next round lists again and describes again: no retry of its own.
            recordFault(status, error);
            return;
        }
        status.problem =
            error instanceof PermanentError ? error.message : `Unexpected error: ${errorMessage(error)}`;
        stopOthers(status.jobId);
    }
    /** The list's view of a job, on top of what is known of it. */
    function listView(previous, listed) {
        const job = {
            ...(previous ?? { files: [] }),
            jobId: listed.jobId,
            state: listed.state,
            progress: listed.state === 'completed' ? 100 : (listed.progress ?? previous?.progress ?? 0),
        };
        if (listed.collectionName !== undefined)
            job.collectionName = listed.collectionName;
        if (listed.unknownState === undefined)
            delete job.unknownState;
        else
            job.unknownState = listed.unknownState;
        if (listed.state === 'failed')
            job.errorMessage = listed.reason ?? LIST_NO_REASON;
        return keepLastProgress(previous, job);
    }
    /**
     * Takes one round's list: open jobs it shows settled or does not show are
     * returned to be described (failed first: fail fast); a running job's state
     * and progress are taken from it. Returns whether every record had progress.
     */
    function applyList(snapshot) {
        const failed = [];
        const settled = [];
        const unseen = [];
        let progress = true;
        for (const status of statuses.filter(isOpen)) {
            const listed = snapshot.jobs.get(status.jobId);
            if (listed === undefined) {
                unseen.push(status);
                continue;
            }
            if (listed.progress === undefined)
                progress = false;
            const job = listView(status.job, listed);
            if (done(job.state)) {
                if (!seenSettled.has(status.jobId))
                    seenSettled.set(status.jobId, { job, atMs: elapsed() });
                (job.state === 'failed' ? failed : settled).push(status);
                continue;
            }
            seenSettled.delete(status.jobId);
            const previous = status.job;
            clearFault(status);
            status.job = job;
            // Without progress (Zilliz Cloud) only a new state is news: a first sight would log "0%".
            if (listed.progress !== undefined ||
                (previous !== undefined && previous.state !== job.state)) {
                emit({ kind: 'update', jobId: status.jobId, job, previous, elapsedMs: elapsed() });
            }
        }
        return { toDescribe: [...failed, ...settled, ...unseen], progress };
    }
    /** Open jobs to describe for progress this round, in turn, within what is left of the budget. */
    function progressTurns(pages) {
        const open = statuses.filter((status) => isOpen(status) && !seenSettled.has(status.jobId));
        const turns = Math.min(open.length, credit - (pages + open.length));
        const chosen = [];
        for (let i = 0; i < turns; i += 1) {
            const status = open[(progressCursor + i) % open.length];
            if (status !== undefined)
                chosen.push(status);
        }
        progressCursor = open.length === 0 ? 0 : (progressCursor + Math.max(0, turns)) % open.length;
        return chosen;
    }
    /** Hands the open jobs to one describe per job until the deadline, and merges what they learn. */
    async function perJob(why, reason) {
        emit({ kind: 'fallback', why, reason, elapsedMs: elapsed() });
        // The describes' own rate limiter starts afresh: keep their first one a slot after the last request here.
        if (!(await acquire()))
            return;
        const open = statuses.filter(isOpen);
        const rest = await waitForJobs({
            ...options,
            startedAt,
            jobIds: open.map((status) => status.jobId),
            timeoutMs: Math.max(0, deadline - clock.now()),
        });
        for (const fresh of rest.jobs) {
            const index = statuses.findIndex((status) => status.jobId === fresh.jobId);
            const before = statuses[index];
            // A job the describes never reached keeps what the list showed of it.
            if (fresh.job === undefined && before?.job !== undefined)
                fresh.job = before.job;
            statuses[index] = fresh;
        }
    }
    // Every job is open at the start; a round that ends the wait breaks out itself, and a
    // cancel is seen by the list's rate-cap slot (no list is sent) and the check after it.
    for (;;) {
        const roundAt = clock.now();
        let snapshot;
        try {
            snapshot =
                firstList ?? (await listAllPages(options.listJobs, { acquire, signal: stop, timeoutMs }));
            firstList = undefined;
        }
        catch (error) {
            // An AbortedError comes only with `stop`: the cancel or fail fast, not a list that does not work.
            if (stopped())
                break;
            if (!(error instanceof TransientError)) {
                await perJob('unsupported', errorMessage(error));
                break;
            }
            listFailures += 1;
            const now = clock.now();
            if (now >= deadline)
                break;
            const retryAt = Math.min(now + backoffDelay(listFailures, backoff, options.random(), error.retryAfterMs), deadline);
            emit({
                kind: 'list-retry',
                reason: error.message,
                attempt: listFailures,
                delayMs: retryAt - now,
                elapsedMs: now - startedAt,
            });
            await sleep(retryAt - now, stop);
            continue;
        }
        if (snapshot === undefined || stopped())
            break;
        listFailures = 0;
        credit += Math.min(statuses.filter(isOpen).length, roundBudget) - snapshot.pages;
        const { toDescribe, progress } = applyList(snapshot);
        let going = true;
        for (const status of toDescribe) {
            going = await describe(status);
            if (!going)
                break;
        }
        if (going && !progress) {
            for (const status of progressTurns(snapshot.pages)) {
                going = await describe(status);
                if (!going)
                    break;
            }
        }
        if (!going || stopped())
            break;
        const open = statuses.filter(isOpen).length;
        // Every job settled in this round: done now, not an interval later.
        if (open === 0)
            break;
        if (snapshot.pages >= open && seenSettled.size === 0) {
            await perJob('cheaper', `the list takes ${snapshot.pages} request${snapshot.pages === 1 ? '' : 's'} a round for ${open} open job${open === 1 ? '' : 's'}`);
            break;
        }
        const now = clock.now();
        if (now >= deadline)
            break;
        await sleep(Math.min(roundAt + options.pollIntervalMs, deadline) - now, stop);
    }
    // The deadline or a cancel came before their describe: the list's view is what is known.
    for (const [jobId, sight] of seenSettled) {
        const status = statuses.find((candidate) => candidate.jobId === jobId);
        if (status === undefined || !isOpen(status))
            continue;
        const previous = status.job;
        status.job = sight.job;
        status.settledAfterMs = sight.atMs;
        emit({ kind: 'update', jobId, job: sight.job, previous, elapsedMs: elapsed() });
    }
    return {
        state: decideState(statuses, options.signal.aborted),
        jobs: statuses,
        elapsedMs: elapsed(),
    };
}

;// CONCATENATED MODULE: ./src/poll/discover.ts
/**
 * Finding a collection's import jobs: the list, every page, retried on
 * transient faults until the deadline, then split into the jobs to wait for
 * (not settled when the wait starts) and those already finished. Knows
 * nothing of HTTP or the runner.
 */






/**
 * Lists the collection's jobs. Throws what the list threw when it is refused
 * or unreadable (the caller reports it), TransientError when faults lasted
 * until the deadline, and AbortedError on cancel.
 */
async function discoverJobs(options) {
    const { clock, sleep, signal, collectionName } = options;
    const deadline = clock.now() + options.timeoutMs;
    const limiter = createRateLimiter(options.requestSpacingMs ?? POLL_DEFAULTS.requestSpacingMs, clock, sleep);
    const backoff = options.backoff ?? DEFAULT_BACKOFF;
    for (let attempt = 1;; attempt += 1) {
        try {
            const snapshot = await listAllPages(options.listJobs, {
                acquire: () => limiter.acquire(Math.max(deadline, clock.now()), signal),
                signal,
                timeoutMs: () => Math.min(POLL_DEFAULTS.requestTimeoutMs, Math.max(deadline - clock.now(), POLL_DEFAULTS.minRequestTimeoutMs)),
            });
            if (snapshot === undefined)
                throw new AbortedError('the wait was cancelled');
            return { find: splitFound(collectionName, snapshot), snapshot };
        }
        catch (error) {
            if (signal.aborted)
                throw new AbortedError('the wait was cancelled');
            if (!(error instanceof TransientError))
                throw error;
            const now = clock.now();
            if (now >= deadline)
                throw error;
            const retryAt = Math.min(now + backoffDelay(attempt, backoff, options.random(), error.retryAfterMs), deadline);
            options.onRetry?.({ reason: error.message, attempt, delayMs: retryAt - now });
            await sleep(retryAt - now, signal);
        }
    }
}
/**
 * Job IDs in order: the numbers in them by value (Milvus's IDs are int64s as
 * text, and "job-2" comes before "job-10"), the rest by character; "007"
 * before "7", which it equals. Written out rather than localeCompare(...,
 * { numeric: true }), which loads ICU's collation data: about 3 MiB of memory
 * for one sort.
 */
function byId(a, b) {
    return byCharacter(sortKey(a), sortKey(b)) || byCharacter(a, b);
}
/** Every number at one width (a job ID has at most 128 characters), so that character order is number order. */
const sortKey = (id) => id.replace(/\d+/g, (digits) => digits.padStart(128, '0'));
const byCharacter = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
/**
 * The collection's jobs, in order of ID: those not settled to wait for,
 * the rest as found. Zilliz Cloud lists every collection's jobs; Milvus has
 * filtered already, and a record without a name is taken as the collection's.
 */
function splitFound(collectionName, snapshot) {
    const waited = [];
    const finished = [];
    for (const job of snapshot.jobs.values()) {
        if (job.collectionName !== undefined && job.collectionName !== collectionName)
            continue;
        if (isSettled(job.state))
            finished.push(job);
        else
            waited.push(job.jobId);
    }
    // The list comes in any order (Milvus walks a map): IDs in order make every run read alike.
    waited.sort(byId);
    finished.sort((a, b) => byId(a.jobId, b.jobId));
    return { collectionName, waited, finished };
}

;// CONCATENATED MODULE: ./src/main.ts
/**
 * Wiring, and the only module that talks to the runner (@actions/core):
 * inputs in; the poll loop run with the real clock, HTTP and signals; the
 * outcome written out as log lines, outputs, summary, annotations and exit
 * status. Server text is redacted where the API client reads it; every log
 * line leaves through the one sink (src/sink.ts); and the key guard checks
 * each string of the outcome once more before outputs and the summary are
 * rendered from it, never the rendered text, whose numbers and structure are
 * the action's own.
 */



























const SYSTEM_RUNTIME = { clock: systemClock, sleep: realSleep, random: Math.random };
/** Secrets the runner should mask: the key, and each line of a client certificate and its key. */
function maskSecrets(apiKey) {
    // A key shorter than this is a placeholder, and masking it would star every
    // "e" or "0" of the log (redact.ts masks it in server text, as a word).
    if (apiKey.length >= MIN_SECRET_LENGTH)
        setSecret(apiKey);
    for (const name of ['client-key', 'client-cert']) {
        for (const line of getInput(name).split(/\r?\n/)) {
            const text = line.trim();
            // PEM's armour lines and short base64 tails are not secret, and would star ordinary text.
            if (text.length >= MIN_SECRET_LENGTH && !text.startsWith('-----'))
                setSecret(text);
        }
    }
}
async function run(runtime = SYSTEM_RUNTIME) {
    // Mask the secrets before anything else can print them.
    const apiKey = getInput('api-key');
    maskSecrets(apiKey);
    // Server text is redacted where it is read (the API client); the guard
    // checks everything written once more.
    const redact = createRedactor(apiKey);
    const guard = createGuard(apiKey);
    const sink = createSink(core_namespaceObject, guard);
    try {
        const settings = parseSettings((name) => getInput(name));
        await waitAndReport(settings, { redact, guard, sink }, runtime);
    }
    catch (error) {
        // One clear line, never a stack trace; later steps still get every output and a summary.
        const cause = error instanceof InputError
            ? 'inputs'
            : error instanceof StopError
                ? error.cause
                : 'unexpected';
        const message = guard(redact(cause === 'unexpected' ? `Unexpected error: ${errorMessage(error)}` : errorMessage(error)));
        setOutputs(stoppedOutputValues(message));
        await writeSummary(renderStoppedSummary(message, cause), () => undefined);
        sink.fail(message);
    }
}
/** The wait could not start: the collection's jobs could not be listed, or none was running (require-jobs). */
class StopError extends Error {
    cause;
    name = 'StopError';
    constructor(message, cause) {
        super(message);
        this.cause = cause;
    }
}
/** Values rendered from guarded text: see the module comment. */
function setOutputs(values) {
    for (const [name, value] of Object.entries(values))
        setOutput(name, value);
}
/**
 * GitHub drops warning annotations past ANNOTATION_LIMIT per step. Warnings
 * before the verdict get all but one place; the rest go to the log as info.
 */
function createWarnings(sink) {
    let given = 0;
    return (text) => {
        if (given < ANNOTATION_LIMIT - 1) {
            given += 1;
            sink.warning(text);
        }
        else
            sink.info(text);
    };
}
/** HTML rendered from guarded text: see the module comment. */
async function writeSummary(html, warn) {
    try {
        // Overwrite: with the commit gate it is written before the first write, then again after.
        await summary.emptyBuffer().addRaw(html).write({ overwrite: true });
    }
    catch (error) {
        // Outside a runner (no GITHUB_STEP_SUMMARY) there is nowhere to write it.
        warn(`Could not write the job summary: ${errorMessage(error)}`);
    }
}
async function waitAndReport(settings, exits, runtime) {
    const { redact, sink } = exits;
    const cancel = new AbortController();
    const onSignal = (signal) => {
        if (cancel.signal.aborted)
            return;
        sink.info(`Received ${signal}: stopping and reporting what was seen so far.`);
        cancel.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const transport = new HttpTransport(`${USER_AGENT} node/${process.version}`, undefined, undefined, settings.clientCert);
    const debug = (message) => {
        sink.debug(message);
    };
    const client = new ImportApiClient(dialectFor(settings.target, debug, redact), {
        apiKey: settings.apiKey,
        redact,
        transport,
        clock: runtime.clock,
        debug,
    });
    sink.info(startLine(settings));
    const server = selfHostedMilvus(settings.target) ? 'Milvus' : 'Zilliz Cloud';
    const seen = {
        history: createHistory(),
        phase: server === 'Milvus' ? milvusPhase : undefined,
        server,
    };
    const plateau = createPlateauWatcher(undefined, seen.phase);
    const warn = createWarnings(sink);
    const countFiles = youngGenerationGuard(runtime.setV8Flags);
    const onEvent = (event) => {
        if (event.kind === 'update') {
            seen.history.record(event);
            countFiles(event.job.files.length);
        }
        logEvent(event, sink, plateau, warn, settings.gate.commit, seen.phase);
    };
    // Milvus lists every job of every database for an empty name: fine for job IDs, which are unique.
    const listJobs = (page, request) => client.listJobs({ collectionName: settings.collection?.name, page }, request);
    try {
        const startedAt = runtime.clock.now();
        const common = {
            startedAt,
            fetchJob: client.fetchJob.bind(client),
            clock: runtime.clock,
            sleep: runtime.sleep,
            random: runtime.random,
            signal: cancel.signal,
            pollIntervalMs: settings.pollIntervalMs,
            onEvent,
        };
        const wait = (jobIds, timeoutMs, uncommittedSettles = true) => waitForJobs({ ...common, jobIds, timeoutMs, uncommittedSettles });
        let found;
        let firstList;
        let jobIds = settings.jobIds;
        if (settings.collection !== undefined) {
            const discovery = await discover(settings.collection.name, listJobs, common, settings, sink);
            if (discovery === undefined) {
                await report({ state: 'cancelled', jobs: [], elapsedMs: runtime.clock.now() - startedAt }, settings, exits, seen, warn);
                return;
            }
            found = discovery.find;
            firstList = discovery.snapshot;
            jobIds = found.waited;
            sink.info(foundLine(found));
            if (jobIds.length === 0) {
                if (settings.collection.requireJobs)
                    throw new StopError(requiredJobsMissing(found), 'no-jobs');
                const nothing = {
                    state: 'completed',
                    jobs: [],
                    elapsedMs: runtime.clock.now() - startedAt,
                    found,
                };
                await writeReport(nothing, settings, exits, seen, warn);
                sink.info(nothingToWaitFor(found));
                return;
            }
        }
        // The list sees every job in a request or two a round; one job is cheaper described.
        const rounds = settings.target.api === 'v2' && (found !== undefined || jobIds.length > 1);
        // Finding the jobs came out of the same timeout.
        const timeLeft = startedAt + settings.timeoutMs - runtime.clock.now();
        let outcome = rounds
            ? await waitInRounds({ ...common, jobIds, listJobs, firstList, timeoutMs: timeLeft })
            : await wait(jobIds, timeLeft);
        if (found !== undefined)
            outcome = { ...outcome, found };
        if (gateActive(settings.gate)) {
            if (settings.gate.commit) {
                const auto = autoCommittedJobs(outcome.jobs);
                if (auto.length > 0)
                    warn(autoCommitNote(auto));
            }
            outcome = await runGate(outcome, settings.gate, {
                write: (call, jobId, request) => client.writeJob(call, jobId, request),
                clock: runtime.clock,
                sleep: runtime.sleep,
                random: runtime.random,
                signal: cancel.signal,
                onWrite: (event) => {
                    sink.info(writeEventLine(event));
                },
                waitCommitted: (jobIds, timeoutMs) => wait(jobIds, timeoutMs, false),
                // Outputs and summary first: a run killed mid-write (10 s after a cancel) keeps them.
                // Quiet: its notes and warnings would only come again with the final report.
                beforeWrites: async (before) => {
                    await writeReport(before, settings, exits, seen, undefined);
                },
            }, { startedAt, deadline: startedAt + settings.timeoutMs });
        }
        await report(outcome, settings, exits, seen, warn);
    }
    finally {
        transport.dispose();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
    }
}
/**
 * A self-hosted Milvus: its number is staged and its phases are known
 * (src/report/phase.ts), and its configuration is the user's to change (the
 * explainer's advice). Zilliz Cloud's and the v1 API's number is not known,
 * so no phase is guessed for them. A cluster-id means Zilliz Cloud, even
 * behind an endpoint of its own (a private link, a proxy): Milvus has no clusters.
 */
function selfHostedMilvus(target) {
    // Only a v2 Milvus target may lack a cluster-id: inputs.ts requires one for v1 and Zilliz Cloud.
    return target.clusterId === undefined;
}
/**
 * The collection's jobs, listed with retries until the deadline; undefined
 * on cancel. A list that is refused or unreadable stops the action: with no
 * job IDs there is nothing else to wait for.
 */
async function discover(collectionName, listJobs, common, settings, sink) {
    try {
        return await discoverJobs({
            ...common,
            collectionName,
            listJobs,
            timeoutMs: settings.timeoutMs,
            onRetry: (event) => {
                sink.info(listRetryLine({ kind: 'list-retry', elapsedMs: 0, ...event }));
            },
        });
    }
    catch (error) {
        if (error instanceof AbortedError)
            return undefined;
        throw new StopError(`Could not list the import jobs of collection ${collectionName}: ${errorMessage(error)}`, 'list');
    }
}
function dialectFor(target, debug, redact) {
    if (target.api === 'v1')
        return v1Dialect(target.baseUrl, target.clusterId);
    return new V2Dialect({
        ...target,
        // The state is server text, read before the client redacts the job.
        onUnknownState: (state) => {
            debug(() => `The API reported the state "${redact(state)}", unknown to this action: treated as still running.`);
        },
    });
}
function logEvent(event, sink, plateau, warn, gateCommits, phase) {
    if (event.kind === 'list-retry') {
        sink.info(listRetryLine(event));
        return;
    }
    if (event.kind === 'fallback') {
        // Going back for cost is routine (the last open job); the list failing is news.
        if (event.why === 'unsupported')
            sink.info(fallbackLine(event));
        else
            sink.debug(() => fallbackLine(event));
        return;
    }
    if (event.kind === 'retry') {
        sink.info(retryLine(event));
        const persistent = persistentFaultWarning(event);
        if (persistent !== undefined)
            warn(persistent);
        return;
    }
    const lines = [updateLine(event, gateCommits, phase), ...retryingLines(event), plateau(event)];
    for (const line of lines) {
        if (line !== undefined)
            sink.info(line);
    }
}
/**
 * Outputs and the job summary, from the outcome with every string guarded
 * once more. Without `warn` (the report before the gate's writes) it says
 * nothing in the log: the final report says it once.
 */
async function writeReport(waited, settings, { guard, sink }, { history, phase, server }, warn) {
    // Every string once more through the guard, before anything is rendered from it.
    const outcome = redactDeep(waited, guard, false);
    const { values, jobsOmitted, detailsOmitted } = outputValues(outcome);
    setOutputs(values);
    if (warn !== undefined && jobsOmitted + detailsOmitted > 0) {
        sink.info(`The "jobs" output leaves out ${jobsOmitted} jobs and ${detailsOmitted} file entries to stay under its size bound.`);
    }
    await writeSummary(renderSummary(outcome, {
        product: productOf(settings),
        server,
        phase,
        history: history.snapshot(),
    }), warn ?? (() => undefined));
    return outcome;
}
function productOf(settings) {
    return settings.target.api === 'v1' ? 'Zilliz Cloud' : settings.target.product;
}
async function report(waited, settings, exits, seen, warn) {
    const { sink } = exits;
    const outcome = await writeReport(waited, settings, exits, seen, warn);
    for (const annotation of failureAnnotations(outcome, seen.server))
        sink.error(annotation.message, annotation.title);
    if (outcome.gate?.rows === undefined) {
        for (const warning of rowWarnings(outcome.jobs.map(lastKnownJob)))
            warn(warning);
    }
    for (const note of gateNotes(outcome, true))
        sink.info(note);
    const stillFailing = endedWhileRetrying(outcome);
    if (stillFailing !== undefined)
        warn(stillFailing);
    const { level, message } = verdict(outcome, settings.failOnTimeout, {
        product: productOf(settings),
        host: settings.target.baseUrl.host,
        server: seen.server,
    });
    if (level === 'failure')
        sink.fail(message);
    else if (level === 'warning')
        sink.warning(message);
    else
        sink.info(message);
}


/***/ }),

/***/ 708:
/***/ (function (module) {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");

/***/ }),

/***/ 692:
/***/ (function (module) {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 877:
/***/ (function (module) {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:v8");

/***/ }),

/***/ 522:
/***/ (function (module) {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 636:
/***/ (function (module) {

// Bundled in place of @actions/exec (tsconfig.json "paths"). See build/README.md.

function unavailable() {
  throw new Error(
    'zilliz-import-wait bundles no @actions/exec: core.platform.getDetails() is not available in this action',
  )
}
module.exports = { exec: unavailable, getExecOutput: unavailable }


/***/ }),

/***/ 857:
/***/ (function (module) {

// Bundled in place of @actions/http-client's main entry (tsconfig.json "paths"). See build/README.md.

/** Stands in for HttpClient: constructing one (core.getIDToken() would) throws. */
function HttpClient() {
  throw new Error(
    'zilliz-import-wait bundles no @actions/http-client HttpClient: core.getIDToken() is not available in this action',
  )
}
module.exports = { HttpClient }


/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(407);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 

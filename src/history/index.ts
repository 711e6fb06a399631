/** The results database and the history views (docs/history.md). */
export {};

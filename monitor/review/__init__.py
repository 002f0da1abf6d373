"""review: the queue of launches for analysts (list, show, decide), reading only the store.

actions (edit, merge, split, undo, place suggestions), known (importing known centers), archive (the
inert archived copy of a page), terminal and keys (`monitor review`), web (`monitor serve`; its
templates/ and static/ beside it)."""

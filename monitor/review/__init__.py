"""review: the queue of launches for analysts (list, show, decide), reading only the store."""

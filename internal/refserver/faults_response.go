package refserver

// responseFaults break the response: state, fragment, token, scope, errors, response modes (STATE, FRAG, TOK, SCOPE, ERR, AEP, RT, FP).
var responseFaults = []FaultInfo{}

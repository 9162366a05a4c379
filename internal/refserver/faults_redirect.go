package refserver

// redirectFaults break redirect_uri and client matching (RDR, CID).
var redirectFaults = []FaultInfo{}

#ifndef TUNLAB_FAULT_H
#define TUNLAB_FAULT_H
#endif
